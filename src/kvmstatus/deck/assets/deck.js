// The HTML deck's navigation (kvmstatus.deck.html_file inlines this file): one slide per
// screen; arrow keys, Page Up/Down, space (shift: back), Home/End and a horizontal swipe
// move; the address's #slide-N names the slide shown (and opens it); N shows the speaker
// notes. Without JavaScript every slide shows, one under the other.
(() => {
  "use strict";
  const root = document.documentElement;
  const slides = Array.from(document.querySelectorAll(".slide"));
  const status = document.getElementById("deck-status");
  if (slides.length === 0) {
    return;
  }
  root.classList.add("js");
  let current = -1;

  const fromHash = () => {
    const match = /^#slide-(\d+)$/.exec(window.location.hash);
    return match ? Number.parseInt(match[1], 10) - 1 : 0;
  };

  const show = (index) => {
    const next = Math.min(Math.max(index, 0), slides.length - 1);
    if (next === current) {
      return;
    }
    slides.forEach((slide, k) => {
      const shown = k === next;
      slide.classList.toggle("current", shown);
      slide.setAttribute("aria-hidden", shown ? "false" : "true");
      slide.inert = !shown;
    });
    current = next;
    const hash = `#slide-${next + 1}`;
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", hash);
    }
    if (status) {
      status.textContent = slides[next].getAttribute("aria-label") || "";
    }
  };

  const onControl = (event) => {
    const target = event.target;
    return target instanceof Element && target.closest("a, button, input, textarea") !== null;
  };

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
      case "PageDown":
        show(current + 1);
        break;
      case "ArrowLeft":
      case "ArrowUp":
      case "PageUp":
        show(current - 1);
        break;
      case " ":
        if (onControl(event)) {
          return;
        }
        show(current + (event.shiftKey ? -1 : 1));
        break;
      case "Home":
        show(0);
        break;
      case "End":
        show(slides.length - 1);
        break;
      case "n":
      case "N":
        root.classList.toggle("show-notes");
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  let touch = null;
  document.addEventListener(
    "touchstart",
    (event) => {
      touch = event.touches.length === 1
        ? { x: event.touches[0].clientX, y: event.touches[0].clientY }
        : null;
    },
    { passive: true },
  );
  document.addEventListener(
    "touchend",
    (event) => {
      if (touch === null || event.changedTouches.length === 0) {
        return;
      }
      const dx = event.changedTouches[0].clientX - touch.x;
      const dy = event.changedTouches[0].clientY - touch.y;
      touch = null;
      if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) {
        show(current + (dx < 0 ? 1 : -1));
      }
    },
    { passive: true },
  );

  window.addEventListener("hashchange", () => show(fromHash()));
  show(fromHash());
})();
