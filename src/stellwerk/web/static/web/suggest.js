// Autocomplete for the search form's Was and Wo fields, as progressive enhancement: without this script
// (or when the API does not answer) the fields are plain text inputs and the form works as before.
// Suggestions come from the JSON API named in each field's data-suggest attribute and are offered through
// a <datalist>, which browsers render accessibly and operate by keyboard.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var MIN_LENGTH = 2;

  function enhance(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-vorschlaege";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    var controller = null;
    var asked = "";

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (text.length < MIN_LENGTH || text === asked) {
          return;
        }
        asked = text;
        if (controller) {
          controller.abort();
        }
        controller = new AbortController();
        var url = input.dataset.suggest + "?q=" + encodeURIComponent(text);
        fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (suggestions) { fill(list, suggestions); })
          .catch(function () { /* an aborted or failed request leaves the field as it is */ });
      }, DELAY_MS);
    });
  }

  function fill(list, suggestions) {
    list.replaceChildren.apply(list, suggestions.map(function (suggestion) {
      var option = document.createElement("option");
      option.value = suggestion.value;
      if (suggestion.label !== suggestion.value) {
        option.label = suggestion.label;
      }
      return option;
    }));
  }

  if (window.fetch && window.AbortController) {
    document.querySelectorAll("input[data-suggest]").forEach(enhance);
  }
})();
