// The register page (templates/attendance/register_detail.html), progressive enhancement only:
// the form posts normally without this script.
//
// - "Mark everyone present" checks Present for every pupil not yet marked, without a round trip.
// - "Submit register" is sent with fetch. If the phone has no connection (navigator.onLine is false
//   or the request fails), the marks are kept in localStorage under the register's key and a banner
//   says so; they are sent again, with the same client key (so never twice), when the `online`
//   event fires or the page is opened again. The server's answer is then shown: the register
//   submitted, or its error summary (the same answers posted the ordinary way).
const form = document.querySelector("form[data-register-form]");
const banner = document.querySelector("[data-register-offline]");

function saved() {
  try {
    return JSON.parse(localStorage.getItem(form.dataset.storageKey) || "null");
  } catch {
    return null;
  }
}

function showOffline() {
  banner.hidden = false;
  banner.focus();
}

// Sends the marks; resolves to true when the server answered (whatever it said).
async function send(entries) {
  const body = new URLSearchParams(entries);
  let response;
  try {
    // Not following the redirect: its page would take the "Register submitted" message.
    response = await fetch(form.action || window.location.href, {
      method: "POST", body, credentials: "same-origin", redirect: "manual",
    });
  } catch {
    return false; // no connection, or it dropped mid-request
  }
  localStorage.removeItem(form.dataset.storageKey);
  if (response.type === "opaqueredirect") {
    window.location.assign(window.location.href); // submitted: the register says "Register submitted"
  } else {
    // The server found a problem (a pupil not marked): post the same answers the ordinary way, so
    // the page with its error summary loads as it would without this script. Nothing was saved.
    fill(entries);
    form.submit();
  }
  return true;
}

// Puts saved answers back into the form (radios, minutes, reasons, the client key).
function fill(entries) {
  for (const [name, value] of entries) {
    for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (input.type === "radio") input.checked = input.value === value;
      else if (input.type !== "submit") input.value = value;
    }
  }
}

async function submitOrKeep(entries) {
  if (navigator.onLine && (await send(entries))) {
    return;
  }
  localStorage.setItem(form.dataset.storageKey, JSON.stringify(entries));
  showOffline();
}

function markEveryonePresent(event) {
  event.preventDefault();
  for (const group of form.querySelectorAll(".govuk-radios")) {
    const radios = group.querySelectorAll("input[type=radio]");
    if (radios.length && ![...radios].some((radio) => radio.checked)) {
      const present = [...radios].find((radio) => radio.value === "present");
      if (present) present.checked = true;
    }
  }
}

if (form && banner) {
  banner.tabIndex = -1;
  const everyone = document.querySelector("[data-everyone-present]");
  if (everyone) everyone.addEventListener("click", markEveryonePresent);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const entries = [...new FormData(form, event.submitter).entries()];
    submitOrKeep(entries);
  });

  const resend = () => {
    const pending = saved();
    if (pending && navigator.onLine) submitOrKeep(pending);
  };
  window.addEventListener("online", resend);
  if (saved()) {
    showOffline();
    resend();
  }
}
