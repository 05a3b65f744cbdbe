// A board pack's page: ask for the pack's progress every two seconds while it is being
// made, say it in the live region, and show the download once it is ready (by loading
// the page again). Without this script, the page's "Check progress" link does the same.
const region = document.querySelector("[data-board-pack-progress]");

async function check() {
  try {
    const response = await fetch(region.dataset.boardPackProgress, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return schedule();
    const progress = await response.json();
    if (progress.finished) {
      window.location.reload();
      return;
    }
    region.querySelector("[data-progress-status]").textContent = progress.status_words;
    region.querySelector("[data-progress-words]").textContent = progress.progress;
    const bar = region.querySelector("progress");
    bar.max = progress.total;
    bar.value = progress.done;
    bar.textContent = `${progress.done} of ${progress.total}`;
  } catch {
    // A dropped connection: try again at the next tick.
  }
  schedule();
}

function schedule() {
  window.setTimeout(check, 2000);
}

if (region) schedule();
