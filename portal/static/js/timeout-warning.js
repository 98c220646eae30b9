// Warns five minutes before answers in progress expire, and keeps them if the person asks.
const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleMs = Number(dialog.dataset.idleMinutes) * 60 * 1000;
  const warnAfter = Math.max(idleMs - 5 * 60 * 1000, 60 * 1000);
  let timer = setTimeout(() => dialog.showModal(), warnAfter);

  dialog.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const response = await fetch(form.action, { method: "POST", body: new FormData(form) });
    if (response.ok) {
      dialog.close();
      clearTimeout(timer);
      timer = setTimeout(() => dialog.showModal(), warnAfter);
    } else {
      window.location.reload();
    }
  });
}
