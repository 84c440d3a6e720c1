// Autosave for the meeting record and the draft minutes. Progressive enhancement only: every
// form also saves with its own button and no JavaScript.
//
// Each form carries the version of what it edits. Saving sends that version; if someone else
// saved in between, the server answers 409 with their version, which is shown beside ours so
// that nobody loses text: keep mine, use theirs, or combine the two. If the session has ended
// (the laptop slept), the text stays on the page and is saved once the person signs in again:
// the server answers a script 401 when signed out and 403 {"error": "csrf_failed"} when the
// token was rotated by signing in again; then a fresh token is fetched and the save retried,
// with the version check still in force. Any other 403 or 404 is a real refusal.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-autosave]");
  if (!forms.length || !window.fetch || !window.FormData) {
    return;
  }
  var DELAY = 1500;
  var RETRY = 20000;
  var offline = document.querySelector(".macehub-autosave__offline");
  var dirty = [];
  var sessionUrl = "/account/session/";

  Array.prototype.forEach.call(document.querySelectorAll(".macehub-js-only"), function (el) {
    el.hidden = false;
  });

  function markDirty(form, on) {
    var i = dirty.indexOf(form);
    if (on && i === -1) {
      dirty.push(form);
    } else if (!on && i !== -1) {
      dirty.splice(i, 1);
    }
  }

  function versionInput(form) {
    return form.querySelector('input[name$="version"]');
  }

  function setStatus(form, text) {
    var el = form.querySelector(".macehub-autosave__status");
    if (el) {
      el.textContent = text;
    }
  }

  function showOffline(text) {
    if (!offline) {
      return;
    }
    offline.textContent = "";
    offline.appendChild(document.createTextNode(text + " "));
    var link = document.createElement("a");
    link.href = "/account/login/";
    link.target = "_blank";
    link.rel = "noopener";
    link.className = "govuk-link";
    link.textContent = "Sign in again (opens in a new tab)";
    offline.appendChild(link);
    offline.hidden = false;
  }

  function hideOffline() {
    if (offline) {
      offline.hidden = true;
    }
  }

  function messages(data) {
    var out = [];
    if (data && data.errors) {
      Object.keys(data.errors).forEach(function (key) {
        out = out.concat(data.errors[key]);
      });
    }
    return out.join(" ") || "check what you typed.";
  }

  function field(form, key) {
    var el = form.querySelector('[name$="-' + key + '"]');
    if (!el && key === "text") {
      el = form.querySelector("textarea");
    }
    return el;
  }

  function schedule(form, delay) {
    var state = form._autosave;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      save(form);
    }, delay === undefined ? DELAY : delay);
  }

  function retryLater(form) {
    var state = form._autosave;
    clearTimeout(state.retry);
    state.retry = setTimeout(function () {
      if (dirty.indexOf(form) !== -1) {
        save(form);
      }
    }, RETRY);
  }

  function signedOut(form) {
    setStatus(form, "Not saved yet: you are signed out. Your text is still here.");
    showOffline(
      "You have been signed out (after 15 minutes without activity, for safety). Nothing you typed is lost: it is " +
        "still on this page and will be saved as soon as you sign in again."
    );
    retryLater(form);
  }

  function showConflict(form, theirs) {
    var box = form.querySelector(".macehub-autosave__conflict");
    if (!box) {
      return;
    }
    box.textContent = "";
    box.className = "macehub-autosave__conflict macehub-conflict";
    var heading = document.createElement("h4");
    heading.className = "govuk-heading-s";
    heading.textContent =
      "Someone else" + (theirs.by ? " (" + theirs.by + ")" : "") + " saved this at " + theirs.at + ". Their version:";
    box.appendChild(heading);
    var keys = ["discussion", "risk_decided", "decisions", "text"];
    keys.forEach(function (key) {
      if (theirs[key] === undefined || !field(form, key)) {
        return;
      }
      var p = document.createElement("p");
      p.className = "govuk-body macehub-preserve";
      var label = document.createElement("strong");
      label.textContent = { discussion: "Discussion: ", risk_decided: "Risk level: ", decisions: "Decisions: ", text: "" }[key];
      p.appendChild(label);
      p.appendChild(document.createTextNode(theirs[key] || "(empty)"));
      box.appendChild(p);
    });
    var note = document.createElement("p");
    note.className = "govuk-body-s";
    note.textContent = "Yours is in the boxes and has not been saved. Choose:";
    box.appendChild(note);
    var group = document.createElement("div");
    group.className = "govuk-button-group";
    function button(text, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "govuk-button govuk-button--secondary";
      b.textContent = text;
      b.addEventListener("click", function () {
        // Their version is now the one to build on; then keep, replace or combine the text.
        versionInput(form).value = theirs.version;
        box.hidden = true;
        action();
      });
      group.appendChild(b);
    }
    button("Keep mine", function () {
      save(form);
    });
    button("Use theirs", function () {
      keys.forEach(function (key) {
        var el = field(form, key);
        if (theirs[key] !== undefined && el) {
          el.value = theirs[key];
        }
      });
      markDirty(form, false);
      setStatus(form, "Showing their version (saved at " + theirs.at + ").");
    });
    button("Combine: theirs, then mine", function () {
      keys.forEach(function (key) {
        var el = field(form, key);
        if (theirs[key] === undefined || !el || el.tagName !== "TEXTAREA") {
          return;
        }
        var mine = el.value.trim();
        var other = (theirs[key] || "").trim();
        if (mine !== other && other) {
          el.value = mine ? other + "\n\n" + mine : other;
        }
      });
      save(form);
    });
    box.appendChild(group);
    box.hidden = false;
    setStatus(form, "Not saved: someone else changed this item.");
    heading.tabIndex = -1;
    heading.focus();
  }

  // The agenda beside "Record the meeting" shows which items have something recorded.
  function agendaState(form) {
    var tag = document.querySelector('[data-record-state="' + form.getAttribute("data-item") + '"]');
    if (!tag) {
      return;
    }
    var recorded = Array.prototype.some.call(form.querySelectorAll("textarea"), function (el) {
      return el.value.trim() !== "";
    });
    tag.textContent = recorded ? "Recorded" : "Not recorded yet";
    tag.className = "govuk-tag govuk-tag--" + (recorded ? "green" : "grey") + " macehub-record-agenda__state";
  }

  function refused(form) {
    setStatus(
      form,
      "Not saved: this can no longer be changed here (the meeting may have been closed). Your text is still " +
        "in the box: copy it before you leave the page."
    );
  }

  function freshToken(form) {
    var state = form._autosave;
    if (state.tokenTries >= 2) {
      refused(form);
      return;
    }
    state.tokenTries += 1;
    fetch(sessionUrl, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) {
          signedOut(form);
          return;
        }
        return response.json().then(function (data) {
          Array.prototype.forEach.call(document.querySelectorAll('input[name="csrfmiddlewaretoken"]'), function (el) {
            el.value = data.csrf_token;
          });
          schedule(form, 0);
        });
      })
      .catch(function () {
        retryLater(form);
      });
  }

  function save(form) {
    var state = form._autosave;
    clearTimeout(state.timer);
    if (state.inflight) {
      state.again = true;
      return;
    }
    state.inflight = true;
    state.again = false;
    setStatus(form, "Saving…");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Autosave": "1", "HX-Request": "true", Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.status === 401) {
          // Signed out (the idle limit): not a refusal. Saved once they sign in again.
          signedOut(form);
          return null;
        }
        if (response.status === 403 && type.indexOf("application/json") !== -1) {
          return response.json().then(function (data) {
            if (data && data.error === "csrf_failed") {
              // Signing in again (in another tab) rotates the token: get the new one, try again.
              freshToken(form);
              return null;
            }
            refused(form);
            return null;
          });
        }
        if (response.status === 403 || response.status === 404) {
          setStatus(
            form,
            "Not saved: this can no longer be changed here (the meeting may have been closed). Your text is still " +
              "in the box: copy it before you leave the page."
          );
          return null;
        }
        if (
          response.type === "opaqueredirect" ||
          (response.status === 204 && response.headers.get("HX-Redirect")) ||
          type.indexOf("application/json") === -1
        ) {
          signedOut(form);
          return null;
        }
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        if (!result) {
          return;
        }
        state.tokenTries = 0;
        if (result.status === 200) {
          versionInput(form).value = result.data.version;
          markDirty(form, false);
          agendaState(form);
          setStatus(form, "Saved at " + result.data.saved_at);
          hideOffline();
        } else if (result.status === 409) {
          showConflict(form, result.data.theirs);
        } else {
          setStatus(form, "Not saved: " + messages(result.data));
        }
      })
      .catch(function () {
        setStatus(form, "Not saved yet: no connection. Your text is still here and will be saved when it returns.");
        retryLater(form);
      })
      .then(function () {
        state.inflight = false;
        if (state.again) {
          schedule(form, 0);
        }
      });
  }

  Array.prototype.forEach.call(forms, function (form) {
    form._autosave = { timer: null, retry: null, inflight: false, again: false, tokenTries: 0 };
    form.addEventListener("input", function () {
      markDirty(form, true);
      setStatus(form, "Changes not saved yet…");
      schedule(form);
    });
    form.addEventListener("change", function () {
      markDirty(form, true);
      schedule(form, 300);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      markDirty(form, true);
      save(form);
    });
  });

  // A laptop about to sleep, or a tab being hidden: save now.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      dirty.slice().forEach(save);
    }
  });
  // Signed in again in another tab (timeout.js): save what was typed meanwhile, now.
  window.addEventListener("macehub:session-active", function () {
    dirty.slice().forEach(function (form) {
      form._autosave.tokenTries = 0;
      schedule(form, 0);
    });
  });
  window.addEventListener("online", function () {
    dirty.slice().forEach(save);
  });
  window.addEventListener("focus", function () {
    dirty.slice().forEach(function (form) {
      schedule(form, 0);
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
