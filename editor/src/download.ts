/** Handing a file to the user: a Blob through a temporary `<a download>`. */

/** Offer `data` as a download named `name`. */
export function downloadBlob(name: string, data: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(data);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser reads the URL asynchronously after click(): revoke it later.
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
