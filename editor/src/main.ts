/** Entry point of the editor page. */
import './app.ts';
