// The QA visit's theme pages (templates/qa_framework/visit_theme.html), progressive enhancement
// only: without this script "Save and continue" and "Save and come back later" save the answers.
//
// While the officer works, the page's form is posted to its autosave address (the form's
// data-autosave-url: qa_framework.views_visits.visit_theme_autosave, the same save as the buttons,
// answered in JSON) DELAY_MS after the last change, and at once when a field loses the focus. One
// request at a time; a change made meanwhile is sent after it. The status line (role="status", so
// screen readers hear it) says "Saved at 10:42am", or why not: the connection dropped (the answers
// stay in the form, sent again when the browser is back online or with the next change), the
// service refused them (its message), or it answered something else (signed out, say). While a
// change waits or is being sent the status line is aria-busy, so the line is read out once settled.
// Pressing a button waits for a save in flight, so the page's own post always comes last.
const form = document.querySelector("form[data-autosave-url]");
const status = document.querySelector("[data-autosave-status]");
const DELAY_MS = 1500;
const KEPT = "your answers are kept on this page";

let timer = null;
let changed = false;
let inFlight = null;
let submitting = false;

function busy(waiting) {
  status.setAttribute("aria-busy", waiting ? "true" : "false");
}

function say(text) {
  status.textContent = text;
  busy(timer !== null); // another change is already waiting
}

async function post() {
  // This post sends the whole form as it is now, so a change still waiting is in it: its timer
  // goes (left running, it would find nothing to send and leave the line busy).
  clearTimeout(timer);
  timer = null;
  changed = false;
  busy(true);
  const body = new URLSearchParams(new FormData(form));
  let response;
  try {
    response = await fetch(form.dataset.autosaveUrl, {
      method: "POST", body, credentials: "same-origin", redirect: "manual",
      headers: { Accept: "application/json" },
    });
  } catch {
    changed = true;
    say(`Not saved: connection lost — ${KEPT}`);
    return;
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null; // a redirect to sign in, a proxy's error page
  }
  if (response.ok && answer && answer.saved) {
    say(`Saved at ${answer.saved_at}`);
  } else if (answer && answer.message) {
    say(`Not saved: ${answer.message}`);
  } else {
    changed = true;
    say(`Not saved: the service did not answer — ${KEPT}. Use “Save and continue”.`);
  }
}

async function save() {
  clearTimeout(timer);
  timer = null;
  if (submitting) return;
  if (!changed) {
    if (!inFlight) busy(false); // nothing left to send (a post in flight settles the line itself)
    return;
  }
  if (inFlight) {
    await inFlight;
    if (!changed) return;
  }
  inFlight = post();
  try {
    await inFlight;
  } finally {
    inFlight = null;
  }
}

function later() {
  changed = true;
  busy(true);
  clearTimeout(timer);
  timer = setTimeout(save, DELAY_MS);
}

if (form && status) {
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("focusout", () => {
    if (changed) save();
  });
  window.addEventListener("online", () => {
    if (changed) save();
  });
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (submitting) return;
    submitting = true;
    if (inFlight) {
      event.preventDefault();
      const button = event.submitter;
      inFlight.finally(() => form.requestSubmit(button));
    }
  });
}
