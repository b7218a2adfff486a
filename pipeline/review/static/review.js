// vnclaims review: decisions and keyboard shortcuts. Server data is only ever set as textContent.
"use strict";
(function () {
  const client = sessionStorage.getItem("vnclaims-client") ||
    Math.random().toString(36).slice(2, 10);
  sessionStorage.setItem("vnclaims-client", client);
  let current = -1;

  function cards() { return Array.from(document.querySelectorAll("article.flag")); }

  function toast(text, warn) {
    const t = document.getElementById("toast");
    if (!t) return;
    t.textContent = text;
    t.className = "show" + (warn ? " warn" : "");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.className = ""; }, warn ? 6000 : 2000);
  }

  function setCurrent(i, scroll) {
    const all = cards();
    if (!all.length) return;
    current = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((c, j) => c.classList.toggle("current", j === current));
    const card = all[current];
    if (scroll) {
      card.scrollIntoView({ block: "nearest" });
      card.focus({ preventScroll: true });
      // Remembered only once the editor moves: a fragment set while loading would make the
      // browser jump to it when the load ends.
      history.replaceState(null, "", "#" + card.id);
    }
  }

  function show(card, d) {
    const state = d.decision || "undecided";
    card.dataset.version = String(d.version);
    card.dataset.decision = d.decision;
    for (const s of ["undecided", "confirmed", "dismissed", "unsure"]) card.classList.toggle("state-" + s, s === state);
    card.querySelector(".decision-badge").textContent = state;
    card.querySelectorAll(".decide button").forEach((b) => {
      b.setAttribute("aria-pressed", b.dataset.decision && b.dataset.decision === d.decision ? "true" : "false");
    });
    const note = card.querySelector(".decide textarea");
    if (note && document.activeElement !== note) note.value = d.note;
    if (note) note.dataset.saved = d.note;
    card.querySelector(".saved").textContent = "v" + d.version + " · " + d.updated_at.slice(0, 19).replace("T", " ") + " UTC";
  }

  async function decide(card, decision, note) {
    const body = {
      flag_id: card.dataset.flagId,
      decision: decision,
      note: note === undefined ? card.querySelector(".decide textarea").value : note,
      base_version: Number(card.dataset.version || 0),
      client: client,
    };
    let res;
    try {
      res = await fetch("/api/decide", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
    } catch (e) {
      toast("Not saved: the review server is not reachable.", true);
      return false;
    }
    const data = await res.json().catch(() => ({ error: res.statusText }));
    if (!res.ok) { toast("Not saved: " + (data.error || res.status), true); return false; }
    show(card, data);
    card.dataset.ready = "1";
    if (data.conflict && data.previous) {
      toast("Another tab changed this flag meanwhile (it was " + (data.previous.decision || "undecided") +
        ", v" + data.previous.version + "); yours is saved as v" + data.version + ".", true);
    } else {
      toast("Saved: " + (data.decision || "cleared"));
    }
    return true;
  }

  document.addEventListener("click", (ev) => {
    const card = ev.target.closest && ev.target.closest("article.flag");
    if (!card) return;
    const all = cards();
    if (all.indexOf(card) !== current) setCurrent(all.indexOf(card), false);
    const btn = ev.target.closest(".decide button");
    if (btn) decide(card, btn.dataset.decision);
  });

  document.addEventListener("focusout", (ev) => {
    const note = ev.target;
    if (!(note instanceof HTMLTextAreaElement) || !note.closest(".decide")) return;
    const card = note.closest("article.flag");
    if (note.value !== (note.dataset.saved ?? note.defaultValue)) decide(card, card.dataset.decision || "", note.value);
  });

  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (t instanceof HTMLTextAreaElement && t.closest(".decide")) {
      const card = t.closest("article.flag");
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        t.dataset.saved = t.value;  // the blur below must not save it twice
        decide(card, card.dataset.decision || "", t.value);
        card.focus({ preventScroll: true });
      } else if (ev.key === "Escape") {
        card.focus({ preventScroll: true });
      }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    const all = cards();
    if (!all.length) return;
    const card = all[current] || null;
    switch (ev.key) {
      case "j": setCurrent(current + 1, true); break;
      case "k": setCurrent(current < 0 ? 0 : current - 1, true); break;
      case "c": case "d": case "u":
        if (!card) { setCurrent(0, true); return; }
        decide(card, { c: "confirmed", d: "dismissed", u: "unsure" }[ev.key]).then((ok) => {
          if (ok && current < all.length - 1) setCurrent(current + 1, true);
        });
        break;
      case "n":
        if (!card) return;
        card.querySelector(".decide textarea").focus();
        break;
      case "o":
        if (card) location.href = card.querySelector("a.open").href;
        break;
      default: return;
    }
    ev.preventDefault();
  });

  document.querySelectorAll("form.filters select").forEach((s) => {
    s.addEventListener("change", () => s.form.submit());
  });

  const all = cards();
  const start = location.hash ? all.findIndex((c) => "#" + c.id === location.hash) : -1;
  if (start >= 0) setCurrent(start, true); else if (all.length) setCurrent(0, false);
  document.documentElement.dataset.ready = "1";
})();
