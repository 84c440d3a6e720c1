// The GOV.UK timeout warning (WCAG 2.2.1 Timing adjustable). Progressive enhancement: without
// this script the session still ends after the idle limit, and a form sent after that is kept
// for the person on the server (macehub/accounts/drafts.py).
//
// The server is the source of truth: two minutes before the limit this asks it how long is
// left (asking does not count as activity). Any request from any tab renews the session, so a
// colleague tab's activity just moves the warning on. Tabs also tell each other at once
// (BroadcastChannel) when a page loads or someone chooses "Stay signed in".
(function () {
  "use strict";
  var dialog = document.getElementById("macehub-timeout");
  if (!dialog || !window.fetch || typeof dialog.showModal !== "function") {
    return;
  }
  var url = dialog.getAttribute("data-url");
  var idle = parseInt(dialog.getAttribute("data-idle"), 10);
  var warn = parseInt(dialog.getAttribute("data-warn"), 10);
  var warning = dialog.querySelector('[data-state="warning"]');
  var signedOutBox = dialog.querySelector('[data-state="signed-out"]');
  var countdown = dialog.querySelector(".macehub-timeout__countdown");
  var spoken = dialog.querySelector(".macehub-timeout__spoken");
  var channel = window.BroadcastChannel ? new window.BroadcastChannel("macehub-session") : null;
  var timer = null;
  var ticker = null;
  var deadline = 0;
  var lastSpoken = null;
  var isSignedOut = false;

  function words(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function setTokens(token) {
    if (!token) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll('input[name="csrfmiddlewaretoken"]'), function (input) {
      input.value = token;
    });
  }

  // Other scripts (autosave) hear when the session is alive again, with a fresh token.
  function announceActive() {
    window.dispatchEvent(new CustomEvent("macehub:session-active"));
  }

  function plan(secondsLeft) {
    clearTimeout(timer);
    deadline = Date.now() + secondsLeft * 1000;
    timer = setTimeout(check, Math.max(1, secondsLeft - warn) * 1000);
  }

  function close() {
    clearInterval(ticker);
    if (dialog.open) {
      dialog.close();
    }
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = words(left);
    // Screen readers hear the time as the dialog opens (its description), then every 30
    // seconds through a polite live region: not every second.
    if (lastSpoken === null) {
      lastSpoken = left;
    } else if (left > 0 && left % 30 === 0 && left !== lastSpoken) {
      spoken.textContent = "We will sign you out in " + words(left) + ".";
      lastSpoken = left;
    }
    if (left <= 0) {
      clearInterval(ticker);
      check();
    }
  }

  function open(state) {
    warning.hidden = state !== "warning";
    signedOutBox.hidden = state === "warning";
    var suffix = state === "warning" ? "" : "-out";
    dialog.setAttribute("aria-labelledby", "macehub-timeout" + suffix + "-title");
    dialog.setAttribute("aria-describedby", "macehub-timeout" + suffix + "-text");
    if (!dialog.open) {
      dialog.showModal();
    }
    var heading = (state === "warning" ? warning : signedOutBox).querySelector("h2");
    heading.focus();
  }

  function showWarning(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    lastSpoken = null;
    spoken.textContent = "";
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    open("warning");
  }

  function showSignedOut() {
    isSignedOut = true;
    clearTimeout(timer);
    clearInterval(ticker);
    open("signed-out");
  }

  function answer(response) {
    if (response.status === 401) {
      return { signed_in: false };
    }
    if (!response.ok) {
      throw new Error("status " + response.status);
    }
    return response.json();
  }

  function check(otherTab) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(answer)
      .then(function (data) {
        if (!data.signed_in) {
          if (!isSignedOut) {
            showSignedOut();
          }
          return;
        }
        setTokens(data.csrf_token);
        if (isSignedOut || otherTab === true) {
          // Signed in again or active in another tab: back to normal; unsaved work can be saved.
          isSignedOut = false;
          close();
          announceActive();
        }
        if (data.seconds_left > warn) {
          close();
          plan(data.seconds_left);
        } else {
          plan(data.seconds_left);
          showWarning(data.seconds_left);
        }
      })
      .catch(function () {
        // No connection: ask again shortly; the server still decides.
        clearTimeout(timer);
        timer = setTimeout(check, 15000);
      });
  }

  function stay() {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      cache: "no-store",
    })
      .then(answer)
      .then(function (data) {
        if (!data.signed_in) {
          showSignedOut();
          return;
        }
        setTokens(data.csrf_token);
        close();
        plan(data.seconds_left);
        if (channel) {
          channel.postMessage({ type: "active" });
        }
      })
      .catch(function () {
        check();
      });
  }

  dialog.querySelector('[data-action="stay"]').addEventListener("click", stay);
  dialog.querySelector('[data-action="close"]').addEventListener("click", close);
  // Escape closes a modal dialog; for the warning that means "Stay signed in" (as GOV.UK's).
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (isSignedOut) {
      close();
    } else {
      stay();
    }
  });

  if (channel) {
    channel.addEventListener("message", function (event) {
      if (event.data && event.data.type === "active") {
        // Another tab of this session was just active: ask the server what that means here.
        check(true);
      }
    });
    // This page load was activity: other tabs move their warning on.
    channel.postMessage({ type: "active" });
  }
  plan(idle);
})();
