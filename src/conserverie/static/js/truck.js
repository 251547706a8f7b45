/* The truck page without a network (docs/architecture.md §7, "The truck offline").
   Every form of the page marked data-truck becomes an act with an id made here (a UUID), kept in the tablet's
   localStorage, shown as "waiting to be sent", and sent in order to the sending point when the network is there.
   The server does each act once whatever the number of sendings; what it refuses comes back with its reason. */
(function () {
  "use strict";
  const configNode = document.getElementById("truck-config");
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent);
  const KEY = config.key;
  const REFUSED_KEY = KEY + ":refused";
  const words = {};
  document.querySelectorAll("#truck-words").forEach((tpl) => {
    tpl.content.querySelectorAll("[data-word]").forEach((node) => { words[node.dataset.word] = node.textContent; });
  });
  const panel = document.querySelector("[data-testid=truck-queue]");
  let sending = false;
  // `navigator.onLine` only says a network is there, not that the server can be reached (a weak signal in a
  // village square; a page the worker drew from its copy): a request that fails says "offline" until one succeeds.
  let reachable = true;
  const online = () => navigator.onLine && reachable;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function write(key, list) { localStorage.setItem(key, JSON.stringify(list)); }
  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function label(act) {
    const d = act.data || {};
    let text = words[act.kind] || act.kind;
    if (d.first_name) text += " · " + d.first_name;
    if (act.who) text += " · " + act.who;
    if (d.quantity) text += " · " + d.quantity;
    return text;
  }

  function render() {
    const queue = read(KEY);
    const refused = read(REFUSED_KEY);
    panel.hidden = false;
    panel.querySelector("[data-network]").textContent = online() ? words.online : words.offline;
    panel.classList.toggle("alert-warning", !online());
    const count = panel.querySelector("[data-queue-count]");
    count.textContent = queue.length === 0 ? words.none
      : queue.length === 1 ? words.one : words.many.replace("__N__", queue.length);
    const list = panel.querySelector("[data-queue-list]");
    list.replaceChildren(...queue.map((act) => {
      const li = document.createElement("li");
      li.dataset.testid = "queued-act";
      li.textContent = label(act);
      return li;
    }));
    const refusedList = panel.querySelector("[data-refused-list]");
    refusedList.replaceChildren(...refused.map((act) => {
      const li = document.createElement("li");
      li.dataset.testid = "refused-act";
      li.textContent = `${words.refused} : ${label(act)} — ${act.message}`;
      return li;
    }));
    applyQueued(queue);
  }

  // What waits to be sent shows on the page as if done: a check-in ticked, a walk-in in the list.
  function applyQueued(queue) {
    // The truck's stock less the jars given and not sent yet (also after the page came back from the cache).
    document.querySelectorAll("[data-stock]").forEach((cell) => {
      const given = queue.filter((act) => act.kind === "give" && act.data.line === cell.dataset.stock)
        .reduce((sum, act) => sum + Number(act.data.quantity || 0), 0);
      cell.textContent = String(Number(cell.dataset.jars) - given);
    });
    queue.forEach((act) => {
      if (act.kind === "checkin") {
        const form = document.querySelector(`form[data-truck=checkin][data-registration="${act.data.registration}"]`);
        const button = form && form.querySelector("button");
        if (button) { // in the queue's order: the last tap wins
          button.textContent = act.data.attended ? "✓ " + words.present : words.absent;
          button.className = act.data.attended ? "btn btn-success" : "btn btn-outline-secondary";
          button.value = act.data.attended ? "" : "on";
        }
      }
      if (act.kind === "walk_in" && !document.getElementById("q" + act.id)) {
        const list = document.querySelector("[data-confirmed]");
        if (list) {
          const li = document.createElement("li");
          li.className = "list-group-item truck-row";
          li.id = "q" + act.id;
          li.dataset.testid = "truck-row";
          li.textContent = `${act.data.first_name} · ${words.walk_in} (${words.pending})`;
          list.appendChild(li);
        }
        document.querySelectorAll("select[data-who]").forEach((select) => {
          if (!select.querySelector(`option[value="w:${act.id}"]`)) {
            const option = document.createElement("option");
            option.value = "w:" + act.id;
            option.textContent = `${act.data.first_name} (${words.pending})`;
            select.appendChild(option);
          }
        });
      }
    });
  }

  function enqueue(act) {
    const queue = read(KEY);
    queue.push(act);
    write(KEY, queue);
    render();
    send();
  }

  function reached(yes) {
    if (reachable === yes) return;
    reachable = yes;
    render();
  }

  // Is the server there? Asked when the page opens (it may be the worker's copy) and when the network comes back.
  function probe() {
    if (!navigator.onLine) return;
    fetch(config.probe, { cache: "no-store", credentials: "same-origin" })
      .then(() => reached(true), () => reached(false));
  }

  async function send() {
    const queue = read(KEY);
    if (sending || queue.length === 0 || !navigator.onLine) return;
    sending = true;
    try {
      const response = await fetch(config.sync, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
        body: JSON.stringify({ actions: queue }),
      });
      reached(true);
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("application/json")) return; // signed out, or the server is down: keep all
      const answer = await response.json();
      const settled = new Map(answer.results.map((r) => [r.id, r]));
      const refused = read(REFUSED_KEY);
      queue.filter((act) => settled.has(act.id) && settled.get(act.id).status === "refused")
        .forEach((act) => refused.push({ ...act, message: settled.get(act.id).message }));
      write(REFUSED_KEY, refused.slice(-50));
      // Acts queued while this sending was on the way stay for the next one.
      write(KEY, read(KEY).filter((act) => !settled.has(act.id)));
      if (read(KEY).length === 0) {
        localStorage.removeItem(REFUSED_KEY); // the server's page lists the refused acts from now on
        window.location.reload(); // the server's page: what was kept, what was refused, the new stock
      } else {
        render();
      }
    } catch (e) {
      reached(false); // no network after all: everything stays queued
    } finally {
      sending = false;
    }
  }

  function actFromForm(form, submitter) {
    const data = {};
    new FormData(form).forEach((value, key) => {
      if (key !== "csrfmiddlewaretoken" && key !== "kind" && key !== "id") data[key] = value;
    });
    const kind = form.dataset.truck;
    const act = { id: newId(), kind, at: new Date().toISOString(), data };
    if (kind === "checkin") {
      data.registration = Number(form.dataset.registration);
      data.attended = submitter ? submitter.value === "on" : true;
      const name = form.closest("li") && form.closest("li").querySelector(".fw-semibold");
      if (name) act.who = name.textContent.trim().split(/\s+/)[0];
    }
    if (kind === "walk_in" || kind === "give" || kind === "empties") {
      const select = form.querySelector("select[data-who]");
      if (select && select.selectedOptions[0] && select.value) act.who = select.selectedOptions[0].textContent;
    }
    if (kind === "give") {
      const [lot, format] = String(data.line || "").split("-");
      data.lot = lot; data.jar_format = format;
    }
    if (kind === "empties") data.keep_as_credit = form.querySelector("[name=keep_as_credit]")?.checked || false;
    return act;
  }

  document.querySelectorAll("form[data-truck]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const act = actFromForm(form, event.submitter);
      if (act.kind === "walk_in" && !String(act.data.first_name || "").trim()) {
        form.querySelector("[name=first_name]").focus();
        return;
      }
      enqueue(act);
      if (act.kind === "walk_in" || act.kind === "reading") form.reset();
    });
  });
  panel.querySelector("[data-sync-now]").addEventListener("click", send);
  window.addEventListener("online", () => { reachable = true; render(); probe(); send(); });
  window.addEventListener("offline", render);
  setInterval(() => { if (read(KEY).length) send(); else if (!reachable) probe(); }, 20000);
  probe();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.worker, { scope: "/" }).then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = [window.location.pathname];
        document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=manifest][href]")
          .forEach((node) => urls.push(node.getAttribute("href") || node.getAttribute("src")));
        registration.active.postMessage({ type: "keep", urls });
      })
      .catch(() => null);
  }
  render();
  send();
}());
