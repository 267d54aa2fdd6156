// kvmstatus: replace each chart's static SVG by the interactive Vega-Lite view.
// The libraries come from assets/vega-bundle.js, served by this site (no CDN). When
// JavaScript is off or a spec fails to load, the static SVG stays. A single or layered
// chart takes its figure's width (its spec says "container"); a chart of small panels
// (a concatenation, which Vega-Lite cannot size to a container) gets as many panels per
// row as the figure holds.
(function () {
  "use strict";
  // Room a panel takes besides its plot: the y axis' labels, and the spacing between panels.
  var PANEL_EXTRA = 64;
  var PANEL_MIN = 90;
  function fitPanels(spec, width) {
    if (!spec.concat || !spec.columns || !spec.concat.length || !width) {
      return spec;
    }
    var base = spec.concat[0].width || 120;
    var columns = Math.floor(width / (base + PANEL_EXTRA));
    if (columns < 2 && width >= 2 * (PANEL_MIN + PANEL_EXTRA)) {
      columns = 2; // two narrower panels side by side read better than one long column
    }
    columns = Math.max(1, Math.min(spec.columns, columns));
    var each = Math.min(base, Math.floor(width / columns) - PANEL_EXTRA);
    spec.columns = columns;
    spec.concat.forEach(function (panel) {
      panel.width = each;
    });
    return spec;
  }
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
        // Before the links to the files, after the static image it replaces.
        figure.insertBefore(view, figure.querySelector(".kvm-downloads"));
        spec = fitPanels(spec, figure.clientWidth);
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
