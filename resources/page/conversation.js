// Parley's conversation page: receives rendered blocks from Python and applies
// them as patches, so a streaming answer only ever touches its changed tail.
// Python calls window.parley.*; the page answers through the Qt web channel.
"use strict";
(function () {
  const main = document.getElementById("conversation");
  const jump = document.getElementById("jump");
  const empty = document.getElementById("empty");
  let bridge = null;
  let pinned = true;
  const tpl = document.createElement("template");

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function nearBottom() {
    const d = document.scrollingElement;
    return d.scrollHeight - d.scrollTop - d.clientHeight < 48;
  }
  function toBottom() {
    const d = document.scrollingElement;
    d.scrollTop = d.scrollHeight;
  }
  function stick() {
    if (pinned) toBottom(); else jump.hidden = false;
  }
  // A pinned view follows the conversation's growth once it is laid out (this runs
  // after layout, before paint): blocks skipped by content-visibility take their
  // real height only then, so a scroll made when they were added falls short.
  new ResizeObserver(function () { if (pinned) toBottom(); }).observe(main);
  window.addEventListener("resize", function () { if (pinned) toBottom(); });
  // Only a move up is the person leaving the bottom: content growing below a
  // pinned view (or the view following it) must not unpin it.
  let lastTop = 0;
  window.addEventListener("scroll", function () {
    const top = document.scrollingElement.scrollTop;
    if (!pinned || top < lastTop - 1) pinned = nearBottom();
    lastTop = top;
    if (pinned) jump.hidden = true;
  }, { passive: true });
  jump.addEventListener("click", function () {
    pinned = true; jump.hidden = true; stick();
  });

  function turnNode(id) { return document.getElementById("t-" + id); }
  // The "Thinking…" line is an answer's first child until its first block comes
  // (answer.querySelector would search the whole answer each time it is not there).
  function removeWaiting(answer) {
    const first = answer.firstElementChild;
    if (first && first.classList.contains("waiting")) first.remove();
  }
  function updateEmpty() { empty.hidden = main.childElementCount > 0; }

  // The controls this script made, each with what it acts on. Clicks act only on
  // these: rendered answers are model text, and anything in them (a class, an id, a
  // data attribute) could imitate a control, but never be one of these objects.
  const controls = new WeakMap();
  function control(node, action) { controls.set(node, action); return node; }
  function controlAt(target) {
    for (let node = target; node; node = node.parentElement) {
      const action = controls.get(node);
      if (action) return { node: node, action: action };
    }
    return null;
  }

  // Code blocks get a copy button; the <code> text is the exact source.
  function decorate(root) {
    root.querySelectorAll(".code-block").forEach(function (block) {
      if (block.querySelector(".code-copy")) return;
      let header = block.querySelector(".code-header");
      if (!header) {
        header = el("div", "code-header");
        block.insertBefore(header, block.firstChild);
      }
      const button = control(el("button", "code-copy", "Copy"), { copyCode: block });
      button.type = "button";
      button.setAttribute("aria-label", "Copy code");
      header.appendChild(button);
    });
  }

  // Each block remembers the HTML it was built from. A patch re-sends the open
  // tail; blocks it leaves as they were are kept, so an unchanged tail causes no
  // layout (and no scroll) in a long answer, where each layout costs milliseconds.
  //
  // Blocks are grouped CHUNK to a <div class="chunk">, every chunk full but the
  // last: a frame's layout, paint and content-visibility checks then visit tens of
  // chunks instead of thousands of blocks (a 200 KB answer has ~2,500 blocks, and
  // each frame of it cost the page's process ~2.5x more at its end than at 50 KB).
  const CHUNK = 64;
  const sources = new WeakMap();
  function isChunk(node) { return node !== null && node.classList.contains("chunk"); }
  // The container's last block, or null when it does not end in blocks.
  function lastBlock(container) {
    const chunk = container.lastElementChild;
    return chunk && isChunk(chunk) ? chunk.lastElementChild : null;
  }
  function setBlocks(container, start, blocks) {
    // Skip the blocks the patch leaves as they are.
    let keep = 0;
    let chunk = container.children[Math.floor(start / CHUNK)] || null;
    let node = isChunk(chunk) ? chunk.children[start % CHUNK] || null : null;
    while (node && keep < blocks.length && sources.get(node) === blocks[keep]) {
      keep++;
      node = node.nextElementSibling;
      if (!node) {
        chunk = chunk.nextElementSibling;
        node = isChunk(chunk) ? chunk.firstElementChild : null;
      }
    }
    start += keep;
    blocks = blocks.slice(keep);
    // Drop every block from `start` on (and whatever followed the blocks).
    const full = Math.floor(start / CHUNK);
    const rest = start % CHUNK;
    const kept = full + (rest ? 1 : 0);
    while (container.children.length > kept) container.lastElementChild.remove();
    if (rest) {
      const partial = container.children[full];
      while (partial.children.length > rest) partial.lastElementChild.remove();
    }
    if (blocks.length) {
      const html = blocks.map(function (b) { return '<div class="b">' + b + "</div>"; });
      // First fill the last chunk, then add whole new chunks.
      const fill = rest ? Math.min(CHUNK - rest, html.length) : 0;
      if (fill) {
        tpl.innerHTML = html.slice(0, fill).join("");
        adopt(tpl.content, blocks, 0);
        container.children[full].appendChild(tpl.content);
      }
      if (fill < html.length) {
        const parts = [];
        for (let i = fill; i < html.length; i += CHUNK) {
          parts.push('<div class="chunk">' + html.slice(i, i + CHUNK).join("") + "</div>");
        }
        tpl.innerHTML = parts.join("");
        let i = fill;
        for (let c = tpl.content.firstElementChild; c; c = c.nextElementSibling) {
          i = adopt(c, blocks, i);
        }
        container.appendChild(tpl.content);
      }
    }
    if (container.classList.contains("streaming")) moveCaret(container);
  }
  // Decorates the blocks under `parent` and records their sources from blocks[i…];
  // returns the index after the last one.
  function adopt(parent, blocks, i) {
    decorate(parent);
    for (let node = parent.firstElementChild; node; node = node.nextElementSibling) {
      sources.set(node, blocks[i++]);
    }
    return i;
  }

  // Only the answer's last block carries the caret class (see conversation.css);
  // the answer remembers which block that is, so moving it looks at two nodes.
  const carets = new WeakMap();
  function moveCaret(answer) {
    const last = lastBlock(answer);
    const old = carets.get(answer);
    if (old && old !== last) old.classList.remove("caret");
    if (last) {
      last.classList.add("caret");
      carets.set(answer, last);
    } else {
      carets.delete(answer);
    }
  }

  function actionsFor(turn) {
    const bar = el("div", "actions");
    const copy = control(el("button", "copy-answer", "Copy"), { copyAnswer: String(turn.id) });
    copy.type = "button";
    copy.setAttribute("aria-label", "Copy answer as Markdown");
    bar.appendChild(copy);
    return bar;
  }

  function buildAssistant(t) {
    const node = el("section", "turn assistant");
    node.id = "t-" + t.id;
    node.dataset.id = t.id;
    node.setAttribute("aria-label", "Answer");
    const who = el("div", "who");
    who.appendChild(el("span", "dot"));
    who.appendChild(el("span", "name", "Assistant"));
    if (t.model) who.appendChild(el("span", "model", t.model));
    const switcher = versionSwitcher(t);
    if (switcher) who.appendChild(switcher);
    node.appendChild(who);
    const reasoning = el("details", "reasoning");
    reasoning.hidden = true;
    reasoning.appendChild(el("summary", "", "Reasoning summary"));
    reasoning.appendChild(el("div", "reasoning-body"));
    node.appendChild(reasoning);
    const answer = el("div", "answer");
    node.appendChild(answer);
    node.appendChild(el("div", "notices"));
    node.appendChild(actionsFor(t));
    if (t.streaming) {
      // An answer still arriving, drawn again (its conversation opened anew, or
      // resumed at start): the caret on its last block, no Copy until it ends.
      answer.classList.add("streaming");
      node.querySelector(".actions").classList.add("pending");
    }
    if (t.reasoning && t.reasoning.length) setReasoningBlocks(node, 0, t.reasoning);
    if (t.blocks) setBlocks(answer, 0, t.blocks);
    if (t.refusal) answer.appendChild(el("div", "refusal", t.refusal));
    if (t.notice) addNotice(node, t.notice, t.noticeKind || "warn");
    return node;
  }

  function buildUser(t) {
    const node = el("section", "turn user");
    node.id = "t-" + t.id;
    node.dataset.id = t.id;
    node.setAttribute("aria-label", "Your question");
    const column = el("div", "user-column");
    column.appendChild(el("div", "bubble", t.text));
    const switcher = versionSwitcher(t);
    if (switcher) column.appendChild(switcher);
    node.appendChild(column);
    return node;
  }

  // "‹ 1/2 ›" on a message that has other versions (regenerated or edited).
  function versionSwitcher(t) {
    if (!t.versions || t.versions < 2) return null;
    const box = el("span", "versions");
    const back = control(el("button", "version-prev", "‹"), { version: String(t.id), step: -1 });
    back.type = "button";
    back.disabled = t.version <= 1;
    back.setAttribute("aria-label", "Previous version");
    const next = control(el("button", "version-next", "›"), { version: String(t.id), step: 1 });
    next.type = "button";
    next.disabled = t.version >= t.versions;
    next.setAttribute("aria-label", "Next version");
    box.appendChild(back);
    box.appendChild(el("span", "version-label", t.version + "/" + t.versions));
    box.appendChild(next);
    return box;
  }

  function setReasoningBlocks(node, start, blocks) {
    const details = node.querySelector("details.reasoning");
    details.hidden = false;
    setBlocks(details.querySelector(".reasoning-body"), start, blocks);
  }

  function addNotice(node, text, kind) {
    const box = node.querySelector(".notices");
    box.appendChild(el("div", "notice " + (kind || "warn"), text));
  }

  // Streaming patches are queued and applied once per frame, with one scroll
  // adjustment per frame; any other call applies the queue first to keep order.
  const queue = [];
  let frameRequested = false;
  function enqueue(kind, id, start, blocks) {
    const last = queue.length ? queue[queue.length - 1] : null;
    if (last && last.kind === kind && last.id === id) {
      if (start >= last.start) {
        last.blocks = last.blocks.slice(0, start - last.start).concat(blocks);
      } else {
        last.start = start;
        last.blocks = blocks;
      }
    } else {
      queue.push({ kind: kind, id: id, start: start, blocks: blocks });
    }
    if (!frameRequested) {
      frameRequested = true;
      requestAnimationFrame(flushQueue);
    }
  }
  function flushQueue() {
    frameRequested = false;
    if (!queue.length) return;
    const items = queue.splice(0, queue.length);
    items.forEach(function (p) {
      const node = turnNode(p.id);
      if (!node) return;
      if (p.kind === "reasoning") {
        setReasoningBlocks(node, p.start, p.blocks);
      } else {
        const answer = node.querySelector(".answer");
        removeWaiting(answer);
        setBlocks(answer, p.start, p.blocks);
      }
    });
    // A pinned view follows in the ResizeObserver, once this frame's layout is done:
    // scrolling here would force an extra layout (in which the new blocks are not
    // yet their real height) every frame.
    if (!pinned) jump.hidden = false;
  }

  const api = {
    setTheme: function (name) { document.body.className = name === "dark" ? "dark" : "light"; },
    setFontSize: function (px) { document.documentElement.style.setProperty("--font-size", px + "px"); },
    setRenderCss: function (css) { document.getElementById("render-css").textContent = css; },
    setEmptyHint: function (text) { document.getElementById("empty-hint").textContent = text; },
    clear: function () { main.replaceChildren(); pinned = true; jump.hidden = true; updateEmpty(); },
    load: function (turns, generation) {
      const frag = document.createDocumentFragment();
      turns.forEach(function (t) { frag.appendChild(t.role === "user" ? buildUser(t) : buildAssistant(t)); });
      main.replaceChildren(frag);
      pinned = true; jump.hidden = true; updateEmpty();
      const d = document.scrollingElement; d.scrollTop = d.scrollHeight;
      // Tell the window once the frame with these turns is out, so that its next
      // work (older turns) does not compete with that first frame.
      if (generation !== undefined) {
        requestAnimationFrame(function () {
          setTimeout(function () { if (bridge) bridge.turnsPainted(generation); }, 0);
        });
      }
    },
    prepend: function (turns) {
      const d = document.scrollingElement;
      const before = d.scrollHeight;
      const frag = document.createDocumentFragment();
      turns.forEach(function (t) { frag.appendChild(t.role === "user" ? buildUser(t) : buildAssistant(t)); });
      main.insertBefore(frag, main.firstChild);
      d.scrollTop += d.scrollHeight - before;
    },
    addUser: function (t) { main.appendChild(buildUser(t)); updateEmpty(); pinned = true; stick(); },
    startAnswer: function (t) {
      const node = buildAssistant(t);
      node.querySelector(".answer").classList.add("streaming");
      const wait = el("div", "waiting");
      wait.appendChild(el("span", "pulse"));
      wait.appendChild(el("span", "", "Thinking…"));
      node.querySelector(".answer").appendChild(wait);
      // Kept in the layout but invisible, so showing it at the end moves nothing.
      node.querySelector(".actions").classList.add("pending");
      const old = turnNode(t.id);
      if (old) old.replaceWith(node); else main.appendChild(node);
      updateEmpty(); stick();
    },
    patch: function (id, start, blocks) { enqueue("answer", id, start, blocks); },
    reasoning: function (id, start, blocks) { enqueue("reasoning", id, start, blocks); },
    flush: function () { flushQueue(); },
    refusal: function (id, text) {
      const node = turnNode(id);
      if (!node) return;
      const answer = node.querySelector(".answer");
      let box = answer.querySelector(".refusal");
      if (!box) { box = el("div", "refusal"); answer.appendChild(box); }
      box.textContent = text;
      stick();
    },
    finish: function (id, notice, kind) {
      // The last words go into the page now, not in the next animation frame's
      // callback: nothing more is coming to merge them with, and the frame that
      // shows them can start at once (~3 ms sooner for a 200 KB answer, medians of
      // 9 runs each).
      flushQueue();
      const node = turnNode(id);
      if (!node) return;
      const answer = node.querySelector(".answer");
      answer.classList.remove("streaming");
      const caret = carets.get(answer);
      if (caret) caret.classList.remove("caret");
      carets.delete(answer);
      removeWaiting(answer);
      if (notice) addNotice(node, notice, kind);
      node.querySelector(".actions").classList.remove("pending");
      if (!pinned) jump.hidden = false;
    },
    remove: function (id) { const n = turnNode(id); if (n) n.remove(); updateEmpty(); },
    scrollPage: function (direction) {
      const d = document.scrollingElement;
      d.scrollBy({ top: direction * d.clientHeight * 0.9 });
    },
    scrollToEdge: function (end) {
      const d = document.scrollingElement;
      d.scrollTop = end ? d.scrollHeight : 0;
      pinned = end; jump.hidden = true;
    },
    scrollToTurn: function (id) {
      const node = turnNode(id);
      if (!node) return false;
      node.scrollIntoView({ block: "center" });
      node.classList.remove("flash"); void node.offsetWidth; node.classList.add("flash");
      pinned = nearBottom();
      return true;
    },
    isPinned: function () { return pinned; },
    collectGarbage: function () { if (window.gc) window.gc(); },
    lastCode: function () {
      const codes = main.querySelectorAll(".turn.assistant .code-block pre code");
      return codes.length ? codes[codes.length - 1].textContent : null;
    },
  };

  // Find in conversation: wrap text matches in <mark class="find">.
  let marks = [];
  let current = -1;
  function clearFind() {
    marks.forEach(function (m) {
      const parent = m.parentNode;
      if (!parent) return;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    marks = []; current = -1;
  }
  api.find = function (query, step) {
    if (step === 0 || marks.length === 0) {
      clearFind();
      if (!query) return [0, 0];
      const needle = query.toLocaleLowerCase();
      const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) {
          return n.parentElement.closest("button, summary") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        },
      });
      const hits = [];
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const hay = node.data.toLocaleLowerCase();
        let at = hay.indexOf(needle);
        while (at !== -1) { hits.push([node, at]); at = hay.indexOf(needle, at + needle.length); }
      }
      // Wrap from the end so earlier offsets stay valid.
      for (let i = hits.length - 1; i >= 0; i--) {
        const node = hits[i][0];
        const range = document.createRange();
        range.setStart(node, hits[i][1]);
        range.setEnd(node, hits[i][1] + needle.length);
        const mark = el("mark", "find");
        range.surroundContents(mark);
        marks.unshift(mark);
      }
      current = marks.length ? 0 : -1;
      if (step < 0 && marks.length) current = marks.length - 1;
    } else {
      if (current >= 0) marks[current].classList.remove("current");
      current = (current + step + marks.length) % marks.length;
    }
    if (current >= 0) {
      marks[current].classList.add("current");
      marks[current].scrollIntoView({ block: "center" });
      pinned = nearBottom();
    }
    return [marks.length ? current + 1 : 0, marks.length];
  };
  api.clearFind = function () { clearFind(); };
  // Python asks as a channel message and gets the position back the same way (a
  // script per query would stay in V8's memory for as long as the page lives).
  api.findFor = function (query, step, request) {
    const found = api.find(query, step);
    if (bridge) bridge.found(request, found[0], found[1]);
  };

  function flashCopied(button) {
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = "Copy"; }, 1200);
  }
  document.addEventListener("click", function (event) {
    const target = event.target;
    const link = target.closest && target.closest("a[href]");
    if (link) {
      event.preventDefault();
      if (bridge) bridge.openLink(link.getAttribute("href"));
      return;
    }
    const found = controlAt(target);
    if (!found || !bridge) return;
    const action = found.action;
    if (action.copyCode) {
      const code = action.copyCode.querySelector("pre code, pre");
      if (code) bridge.copyText(code.textContent);
      flashCopied(found.node);
    } else if (action.copyAnswer) {
      bridge.copyAnswer(action.copyAnswer);
      flashCopied(found.node);
    } else if (action.version) {
      bridge.switchVersion(action.version, action.step);
    }
  });
  document.addEventListener("parley-attachment", function (event) {
    if (bridge) bridge.openAttachment(String(event.detail.turnId), Number(event.detail.index));
  });
  // Middle clicks and drags must not navigate either.
  document.addEventListener("auxclick", function (event) {
    if (event.target.closest && event.target.closest("a[href]")) event.preventDefault();
  });
  document.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest("a[href]")) event.preventDefault();
  });

  Object.keys(api).forEach(function (name) {
    if (name === "patch" || name === "reasoning" || name === "flush") return;
    const fn = api[name];
    api[name] = function () { flushQueue(); return fn.apply(null, arguments); };
  });
  window.parley = api;
  updateEmpty();
  // Python's calls arrive as channel messages (see _Bridge in conversation_view.py).
  // One failing call must not stop the rest, nor the acknowledgement Python's
  // streaming waits for.
  function runCalls(text, ack) {
    try {
      JSON.parse(text).forEach(function (call) {
        try {
          const fn = window.parley[call[0]];
          if (typeof fn === "function") fn.apply(null, call[1]);
          else console.error("no such page function: " + call[0]);
        } catch (error) {
          console.error(call[0] + ": " + (error && error.stack ? error.stack : error));
        }
      });
    } finally {
      if (ack) bridge.acknowledge();
    }
  }
  new QWebChannel(qt.webChannelTransport, function (channel) {
    bridge = channel.objects.bridge;
    bridge.calls.connect(runCalls);
    bridge.pageReady();
  });
})();
