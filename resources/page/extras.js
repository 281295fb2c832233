// Attachments, commentary, tool activity and citations on the conversation page: extends
// window.parley (defined in conversation.js) with functions Python calls.
// Text from the server or from files is only ever set with textContent, and only
// http(s) URLs become links (the page's click handler sends them to the browser).
"use strict";
(function () {
  const api = window.parley;
  if (!api) return;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function turnNode(id) { return document.getElementById("t-" + id); }

  // Keep the view at the bottom if it was there before a turn grew.
  function keepingBottom(change) {
    const d = document.scrollingElement;
    const atEnd = d.scrollHeight - d.scrollTop - d.clientHeight < 48;
    change();
    if (atEnd) d.scrollTop = d.scrollHeight;
  }

  function webUrl(text) {
    try {
      const url = new URL(String(text));
      return url.protocol === "http:" || url.protocol === "https:" ? url : null;
    } catch (e) {
      return null; // not a URL at all: shown as text, never as a link
    }
  }

  function host(text) {
    const url = webUrl(text);
    return url ? url.hostname.replace(/^www\./, "") : String(text || "");
  }

  // [while running, when done] for each tool; others are named from their type.
  const VERBS = {
    web_search: ["Searching the web", "Searched the web"],
    file_search: ["Searching files", "Searched files"],
    code_interpreter: ["Running code", "Ran code"],
    image_generation: ["Generating an image", "Generated an image"],
  };

  function describe(item) {
    const kind = String(item.kind || "tool");
    const words = VERBS[kind] || ["Using " + kind.replace(/_/g, " "), "Used " + kind.replace(/_/g, " ")];
    const done = item.status === "completed" || item.status === "failed";
    let text = words[done ? 1 : 0];
    if (item.action === "open_page" && item.url) {
      text = (done ? "Opened " : "Opening ") + host(item.url);
    } else if (item.action === "find_in_page" && item.query) {
      text = (done ? "Looked for " : "Looking for ") + "\u201c" + item.query + "\u201d" +
        (item.url ? " in " + host(item.url) : "");
    } else if (item.query) {
      text += ": \u201c" + item.query + "\u201d";
    }
    if (item.status === "failed") text += " (failed)";
    else if (!done) text += "\u2026";
    return text;
  }

  // A compact line per tool call above the answer: "Searching the web: “q”…".
  api.toolActivity = function (turnId, items) {
    const node = turnNode(turnId);
    if (!node) return;
    keepingBottom(function () {
      let box = node.querySelector(".tools");
      if (!items || !items.length) { if (box) box.remove(); return; }
      if (!box) {
        box = el("ul", "tools");
        box.setAttribute("aria-label", "Tools used");
        const answer = node.querySelector(".answer");
        node.insertBefore(box, answer);
      }
      box.replaceChildren.apply(box, items.map(function (item) {
        const running = item.status !== "completed" && item.status !== "failed";
        const line = el("li", "tool " + (running ? "running" : item.status === "failed" ? "failed" : "done"));
        line.appendChild(el("span", "tool-mark"));
        line.appendChild(el("span", "tool-text", describe(item)));
        return line;
      }));
    });
  };

  // The model's preamble before it acts ("I'll look that up first."): plain muted
  // text above the tool activity, never part of the answer.
  api.commentary = function (turnId, text) {
    const node = turnNode(turnId);
    if (!node) return;
    keepingBottom(function () {
      let box = node.querySelector(".commentary");
      if (!text) { if (box) box.remove(); return; }
      if (!box) {
        box = el("div", "commentary");
        box.setAttribute("aria-label", "Commentary");
        node.insertBefore(box, node.querySelector(".tools") || node.querySelector(".answer"));
      }
      box.textContent = String(text);
    });
  };

  // Labels of the annotation kinds that cite files rather than web pages.
  const FILE_KINDS = {
    file_citation: "File",
    container_file_citation: "Container file",
    file_path: "Generated file",
  };

  // "Sources" under the answer: [n] Title — host, one line per cited source; cited
  // files carry a labelled chip saying which kind of file.
  api.citations = function (turnId, list) {
    const node = turnNode(turnId);
    if (!node) return;
    keepingBottom(function () {
      let box = node.querySelector(".sources");
      const seen = {};
      const sources = (list || []).filter(function (c) {
        const key = c.index !== undefined ? "i" + c.index : "u" + (c.url || c.file_id);
        if (seen[key]) return false;
        seen[key] = true;
        return true;
      }).sort(function (a, b) { return (a.index || 0) - (b.index || 0); });
      if (!sources.length) { if (box) box.remove(); return; }
      if (!box) {
        box = el("nav", "sources");
        box.setAttribute("aria-label", "Sources");
        node.insertBefore(box, node.querySelector(".notices"));
      }
      const list_ = el("ol", "sources-list");
      sources.forEach(function (c, n) {
        const item = el("li", "source");
        item.appendChild(el("span", "source-number", "[" + (c.index || n + 1) + "]"));
        const url = webUrl(c.url);
        const title = c.title || c.url || c.file_id;
        const kind = FILE_KINDS[c.kind];
        if (kind) {
          const chip = el("span", "source-kind", kind);
          if (c.file_id) chip.title = String(c.file_id);
          item.appendChild(chip);
        }
        if (url) {
          const link = el("a", "source-title", title);
          link.href = url.href;
          link.title = url.href;
          item.appendChild(link);
        } else {
          item.appendChild(el("span", "source-title", title));
        }
        const where = url ? host(c.url) : "";
        if (where && where !== title) item.appendChild(el("span", "source-host", "\u2014 " + where));
        list_.appendChild(item);
      });
      box.replaceChildren(el("div", "sources-title", "Sources"), list_);
    });
  };

  function sizeText(bytes) {
    if (typeof bytes !== "number" || !isFinite(bytes)) return "";
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function badge(item) {
    const mime = String(item.mime || "");
    if (mime === "application/pdf") return "PDF";
    const dot = String(item.name || "").lastIndexOf(".");
    const ext = dot > 0 ? String(item.name).slice(dot + 1, dot + 5).toUpperCase() : "";
    return ext || (item.kind === "text" ? "TXT" : "FILE");
  }

  // Thumbnails (images, from data: URLs) and chips (other files) on a question.
  // Clicking one dispatches "parley-attachment" {turnId, index} on document; the
  // bridge is private to conversation.js, which forwards it to Python. Only the
  // buttons made here count (answers are model text and may imitate one), and
  // each knows its turn and index from the call that made it.
  const attachmentButtons = new WeakMap();
  api.attachments = function (turnId, list) {
    const node = turnNode(turnId);
    if (!node) return;
    keepingBottom(function () {
      const column = node.querySelector(".user-column") || node;
      let box = column.querySelector(".attachments");
      const bubble = column.querySelector(".bubble");
      if (bubble) bubble.hidden = !bubble.textContent;
      if (!list || !list.length) { if (box) box.remove(); if (bubble) bubble.hidden = false; return; }
      if (!box) {
        box = el("div", "attachments");
        box.setAttribute("aria-label", "Attached files");
        column.insertBefore(box, column.firstChild);
      }
      box.replaceChildren.apply(box, list.map(function (item, index) {
        const button = el("button", "attachment");
        button.type = "button";
        attachmentButtons.set(button, { turnId: String(turnId), index: index });
        button.title = [item.name, sizeText(item.size)].filter(Boolean).join(" \u00b7 ");
        button.setAttribute("aria-label", "Open " + (item.name || "attachment"));
        const src = String(item.url || "");
        if (item.kind === "image" && src.indexOf("data:image/") === 0) {
          button.classList.add("thumb");
          const img = el("img");
          img.alt = String(item.name || "");
          img.decoding = "async";
          img.src = src;
          button.appendChild(img);
        } else {
          button.classList.add("chip");
          button.appendChild(el("span", "chip-badge", badge(item)));
          button.appendChild(el("span", "chip-name", item.name || "attachment"));
          const size = sizeText(item.size);
          if (size) button.appendChild(el("span", "chip-size", size));
        }
        return button;
      }));
    });
  };

  document.addEventListener("click", function (event) {
    for (let node = event.target; node; node = node.parentElement) {
      const detail = attachmentButtons.get(node);
      if (detail) {
        document.dispatchEvent(new CustomEvent("parley-attachment", { detail: detail }));
        return;
      }
    }
  });
})();
