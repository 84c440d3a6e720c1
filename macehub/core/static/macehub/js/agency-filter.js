// Sign-up and access requests: once a partnership is chosen, the agency list shows only the
// agencies that work in it. Without this script the list is grouped by partnership, and the
// server refuses an agency from another partnership with an error next to the field.
(function () {
  "use strict";
  var partnership = document.querySelector("select[data-filters-agencies]");
  var agency = document.querySelector("select[data-agencies-by-partnership]");
  if (!partnership || !agency) return;
  var byPartnership = JSON.parse(agency.getAttribute("data-agencies-by-partnership"));
  var placeholder = agency.querySelector("option[value='']");
  var names = {};
  var all = agency.querySelectorAll("option");
  for (var i = 0; i < all.length; i++) {
    if (all[i].value) names[all[i].value] = all[i].textContent;
  }
  // The full grouped list, kept so that clearing the partnership brings it back.
  var original = agency.innerHTML;
  var hint = document.createElement("p");
  hint.className = "govuk-hint";
  hint.setAttribute("aria-live", "polite");
  hint.id = agency.id + "-filtered";
  agency.parentNode.insertBefore(hint, agency);
  var describedBy = (agency.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  describedBy.push(hint.id);
  agency.setAttribute("aria-describedby", describedBy.join(" "));

  function filter() {
    var chosen = partnership.value;
    var selected = agency.value;
    if (!chosen || !byPartnership[chosen]) {
      agency.innerHTML = original;
      agency.value = selected;
      hint.textContent = "";
      return;
    }
    var ids = byPartnership[chosen].map(String);
    ids.sort(function (a, b) { return names[a].localeCompare(names[b]); });
    agency.innerHTML = "";
    agency.appendChild(placeholder.cloneNode(true));
    ids.forEach(function (id) {
      var option = document.createElement("option");
      option.value = id;
      option.textContent = names[id];
      agency.appendChild(option);
    });
    agency.value = ids.indexOf(selected) >= 0 ? selected : "";
    var label = partnership.options[partnership.selectedIndex].textContent;
    hint.textContent = ids.length + " agencies work in " + label + ".";
  }

  partnership.addEventListener("change", filter);
  filter();
})();
