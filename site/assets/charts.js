// kvmstatus: replace each chart's static SVG by the interactive Vega-Lite view.
// The libraries come from assets/vega-bundle.js, served by this site (no CDN). When
// JavaScript is off or a spec fails to load, the static SVG stays.
(function () {
  "use strict";
  function embed(figure) {
    if (figure.classList.contains("kvm-live") || typeof window.vegaEmbed !== "function") {
      return;
    }
    var view = document.createElement("div");
    view.className = "kvm-live-view";
    fetch(figure.getAttribute("data-spec"))
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + " " + response.url);
        }
        return response.json();
      })
      .then(function (spec) {
        figure.appendChild(view);
        return window.vegaEmbed(view, spec, { actions: false, renderer: "svg" });
      })
      .then(function () {
        figure.classList.add("kvm-live");
      })
      .catch(function (error) {
        if (view.parentNode) {
          view.parentNode.removeChild(view);
        }
        console.warn("kvmstatus: keeping the static chart:", error.message);
      });
  }
  function embedAll() {
    document.querySelectorAll("figure.kvm-chart[data-spec]").forEach(embed);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
})();
