// Loaded with `node --import` into each run a queue worker starts. The worker talks to its runs over
// an IPC channel; when the worker dies (SIGKILL, a crashed machine) the channel closes and the run
// stops too, so a run the queue hands to another worker is never executed twice at the same time.
// The channel is unref'd so it never keeps a finished run alive.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(137));
}
