/* recommender widget: <div data-recommender data-article-id="ID"></div><script src="https://HOST/widget.js" async></script>
 * Vanilla JavaScript, no dependencies, no requests to anyone but HOST. Renders into a Shadow DOM;
 * on any failure it renders nothing and stays silent. Options are data attributes (see README). */
(() => {
  "use strict";
  const SCRIPT = document.currentScript || [...document.querySelectorAll('script[src*="widget.js"]')].pop();
  const SRC = (SCRIPT && SCRIPT.src) || location.href;
  const HISTORY_KEY = "recommender:history";
  const HISTORY_MAX = 20;
  const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
  const GUESS = { articles: 6, videos: 4, sponsored: 3 }; // skeleton size when no count is given
  const KEYS = { articles: "rekomendasi_artikel", videos: "video_pilihan", sponsored: "konten_sponsor", popular: "terpopuler" };
  const STYLE_VARS = {
    accent: "--reco-accent", textColor: "--reco-text", mutedColor: "--reco-muted",
    sponsoredBackground: "--reco-sponsored-bg", sponsoredBorder: "--reco-sponsored-border",
  };
  const STYLES = `
:host{all:initial;display:block;contain:layout style}
*{box-sizing:border-box;margin:0;padding:0}
.w{--a:var(--reco-accent,#c8102e);--tx:var(--reco-text,#1c1c1c);--m:var(--reco-muted,#666);--sb:var(--reco-sponsored-bg,#f7f4ea);--sl:var(--reco-sponsored-border,#d9cfae);
container-type:inline-size;display:grid;gap:32px;padding:8px 0;color:var(--tx);text-align:left;
font:15px/1.45 var(--reco-font,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif)}
.h{display:flex;align-items:center;gap:10px;font-size:19px;font-weight:800;line-height:1.2;letter-spacing:-.01em;margin-bottom:16px;padding-bottom:10px;border-bottom:1px solid #e4e4e4}
.h::before{content:"";flex:none;width:5px;height:1.05em;background:var(--a);border-radius:2px}
ul{list-style:none;display:grid;gap:16px}
a{color:inherit;text-decoration:none;display:grid;grid-template-columns:96px minmax(0,1fr);gap:12px;align-items:start;border-radius:6px}
a:hover .t{color:var(--a)}
a:focus-visible{outline:3px solid var(--a);outline-offset:3px}
.i{position:relative;display:block;aspect-ratio:16/9;border-radius:6px;overflow:hidden;background:#e8e8e8}
.i img{display:block;width:100%;height:100%;object-fit:cover}
.b{display:flex;flex-direction:column;gap:4px;min-width:0}
.t{font-size:15px;font-weight:700;line-height:1.35;overflow-wrap:anywhere;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;overflow:hidden}
.d{font-size:12px;color:var(--m)}
.l,.c{font-size:13.5px;color:#474747;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;overflow:hidden}
.l{display:none}
.c{font-size:12px;font-style:italic;color:var(--m)}
.p{position:absolute;left:50%;top:50%;width:44px;height:44px;margin:-22px 0 0 -22px;border-radius:50%;background:rgba(0,0,0,.62);box-shadow:0 0 0 2px rgba(255,255,255,.9)}
.p::after{content:"";position:absolute;left:17px;top:13px;border-style:solid;border-width:9px 0 9px 14px;border-color:transparent transparent transparent #fff}
.v ul{grid-template-columns:repeat(2,minmax(0,1fr));gap:18px 14px}
.v a{grid-template-columns:minmax(0,1fr);gap:8px}
.v .t{font-size:14.5px}
.s{background:var(--sb);border:1px solid var(--sl);border-radius:10px;padding:14px 12px}
.s .h{border-bottom-color:var(--sl);color:#4a4433}
.s .h::before{background:#9b8a55}
.x{font-size:12.5px;line-height:1.5;color:#5b5442;margin:-6px 0 16px}
.k{align-self:flex-start;white-space:nowrap;font-size:10px;font-weight:700;letter-spacing:.05em;text-transform:uppercase;color:#5f4700;background:#fbe9a8;border-radius:3px;padding:2px 6px}
.o{font-size:12px;color:#5b5442}
.o b{font-weight:700}
.sk .b>*,.sk .i{background:linear-gradient(90deg,#ececec 25%,#f6f6f6 50%,#ececec 75%);background-size:200% 100%;animation:sh 1.4s linear infinite;border-radius:4px}
.sk .t{height:4.05em}.sk .d{height:1.45em;width:40%}.sk .l,.sk .c{display:block;height:2.9em}.sk .k{height:18px;width:120px}.sk .o{height:1.45em;width:60%}
.s .sk .b>*,.s .sk .i{background:#ebe5d2;animation:none}
@keyframes sh{to{background-position:-200% 0}}
@media (prefers-reduced-motion:reduce){.sk *{animation:none!important}}
@container (min-width:400px){a{grid-template-columns:128px minmax(0,1fr)}.s{padding:16px}}
@container (min-width:480px){.l{display:-webkit-box}.sk .l{display:block}a{grid-template-columns:168px minmax(0,1fr);gap:14px}}
@container (min-width:640px){
.h{font-size:21px}
.r ul,.s ul{grid-template-columns:repeat(3,minmax(0,1fr));gap:24px 20px}
.r a,.s a{grid-template-columns:minmax(0,1fr);gap:10px}
.v ul{grid-template-columns:repeat(4,minmax(0,1fr))}
.t{font-size:16px}
.s{padding:18px 20px 20px}}`;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  };

  const count = (value) => {
    const n = Number.parseInt(value, 10);
    return Number.isFinite(n) ? Math.min(Math.max(n, 0), 20) : null;
  };

  const safeUrl = (value, base) => {
    try {
      const url = new URL(String(value), base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  };

  // One random id per page view (crypto.randomUUID needs a secure context; this does not).
  const PAGE_VIEW = (() => {
    const bytes = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  })();

  // Intl's long Indonesian form is "2 hari yang lalu"; news sites print the shorter "2 hari lalu".
  const RTF = new Intl.RelativeTimeFormat("id", { numeric: "always" });
  const UNITS = [[60, 60, "minute"], [3600, 24, "hour"], [86400, 30, "day"], [2592000, 12, "month"]];
  const ago = (iso, now) => {
    const seconds = (now - Date.parse(iso)) / 1000;
    if (!Number.isFinite(seconds)) return "";
    if (seconds < 60) return "baru saja";
    for (const [size, limit, unit] of UNITS) {
      if (seconds < size * limit) return RTF.format(-Math.floor(seconds / size), unit).replace(" yang lalu", " lalu");
    }
    return RTF.format(-Math.floor(seconds / 31536000), "year").replace(" yang lalu", " lalu");
  };

  const readHistory = () => {
    try {
      const list = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list.filter((id) => typeof id === "string" && ID_RE.test(id)) : [];
    } catch (e) {
      return [];
    }
  };

  const remember = (history, id) => {
    try {
      const next = [id, ...history.filter((h) => h !== id)].slice(0, HISTORY_MAX);
      localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    } catch (e) { /* storage blocked or full: history is a nicety */ }
  };

  const config = (host) => {
    const d = host.dataset;
    return {
      articleId: (d.articleId || "").trim(),
      api: safeUrl(d.api || SRC, location.href),
      counts: { articles: count(d.articles), videos: count(d.videos), sponsored: count(d.sponsored), popular: count(d.popular) },
      popularScope: d.popularScope === "section" ? "section" : "",
      titles: {
        [KEYS.articles]: d.titleArticles, [KEYS.videos]: d.titleVideos, [KEYS.sponsored]: d.titleSponsored,
        [KEYS.popular]: d.titlePopular,
      },
      label: (d.sponsoredLabel || "").trim(),
      linkTemplate: d.linkTemplate || "",
      history: !/^(off|false|0|no)$/i.test(d.history || ""),
      // Interleaving experiments (docs/experiments.md) need the page view id with the request;
      // opt-in, as it makes every page view's URL unique (no CDN or proxy cache hits).
      experiments: /^(on|true|1|yes)$/i.test(d.experiments || ""),
      timeout: Math.max(100, Number.parseInt(d.timeout, 10) || 4000),
      dwell: Math.max(0, Number.parseInt(d.impressionMs ?? "1000", 10) || 0),
    };
  };

  const thumb = (item, base, video) => {
    const box = el("span", "i");
    const src = item && item.image_url ? safeUrl(item.image_url, base) : null;
    if (src) {
      const img = el("img");
      img.loading = "lazy";
      img.decoding = "async";
      img.width = 480;
      img.height = 270;
      img.alt = String(item.image_caption || "").replace(/\s*\((foto|video|sumber)\s*:[^)]*\)\s*$/i, "") || String(item.title);
      img.addEventListener("error", () => img.remove());
      img.src = src;
      box.append(img);
    }
    if (video) box.append(el("span", "p"));
    return box;
  };

  const card = (item, kind, ctx) => {
    const li = el("li");
    const a = el("a");
    const body = el("span", "b");
    if (!item) {
      li.className = "sk";
      const lines = { r: ["t", "d", "l"], v: ["t", "d", "c"], s: ["k", "t", "o"] }[kind];
      body.append(...lines.map((cls) => el("span", cls)));
      a.append(thumb(null, "", false), body);
      li.append(a);
      return li;
    }
    a.href = item.href;
    if (kind === "s") {
      a.rel = "sponsored nofollow noopener";
      body.append(el("span", "k", item.label), el("span", "t", item.title));
      // "Iklan dari X" (an advertisement from X), not "sponsored by X": the FTC guide finds
      // "sponsored by" ambiguous (funded, or made?). The advertiser made it; say so.
      const by = el("span", "o", "Iklan dari ");
      by.append(el("b", "", item.sponsor));
      body.append(by);
    } else {
      body.append(el("span", "t", item.title));
      const when = el("time", "d", ago(item.published_at, ctx.now));
      when.dateTime = String(item.published_at || "");
      body.append(when);
      if (kind === "r" && item.lead) body.append(el("span", "l", item.lead));
      if (kind === "v" && item.image_caption) body.append(el("span", "c", item.image_caption));
    }
    a.append(thumb(item, ctx.base, kind === "v"), body);
    li.append(a);
    return li;
  };

  let headings = 0;
  const block = (kind, title, items, ctx, extra) => {
    const sec = el(kind === "s" ? "aside" : "section", kind);
    const h = el("h2", "h", title);
    h.id = `reco-${(headings += 1)}`;
    sec.setAttribute("aria-labelledby", h.id);
    sec.append(h);
    if (extra) sec.append(extra);
    const list = el("ul");
    items.forEach((item) => list.append(card(item, kind, ctx)));
    sec.append(list);
    return sec;
  };

  const skeleton = (cfg) => {
    const wrap = el("div", "w");
    wrap.setAttribute("aria-busy", "true");
    const n = (name) => (cfg.counts[name] === null ? GUESS[name] : cfg.counts[name]);
    const add = (kind, name) => n(name) && wrap.append(block(kind, cfg.titles[KEYS[name]] || "\u00a0", Array(n(name)).fill(null), {}));
    add("r", "articles");
    add("v", "videos");
    if (cfg.counts.popular) add("r", "popular"); // asked for only: no guess
    add("s", "sponsored");
    return wrap;
  };

  // Editorial links may be rewritten (the demo sends them to /demo/{id}); sponsored links never are.
  const link = (item, kind, cfg) =>
    cfg.linkTemplate && kind !== "s"
      ? safeUrl(cfg.linkTemplate.replace("{id}", encodeURIComponent(item.id)), location.href)
      : safeUrl(item.url, cfg.api);

  // Turn the API answer into what is drawn; anything unexpected throws and the widget stays empty.
  const sectionsOf = (data, cfg) => {
    if (!data || !Array.isArray(data.sections) || typeof data.snapshot !== "string") throw new Error("shape");
    const out = data.sections
      .filter((s) => s && typeof s.key === "string" && Array.isArray(s.items))
      .map((s) => {
        const kind = s.sponsored === true ? "s" : s.key === KEYS.videos ? "v" : "r";
        const label = cfg.label || String(s.label || s.title || "Konten Bersponsor");
        // `position` is the item's place in the answer (what its event token says was served).
        const items = s.items
          .map((i, position) => ({ i, position }))
          .filter(({ i }) => i && typeof i.id === "string" && i.title && safeUrl(i.url, cfg.api))
          .map(({ i, position }) => ({
            ...i, position, href: link(i, kind, cfg), title: String(i.title), lead: String(i.lead || ""),
            label: kind === "s" ? cfg.label || String((i.sponsor && i.sponsor.label) || label) : null,
            sponsor: kind === "s" ? String((i.sponsor && i.sponsor.name) || "") : null,
          }))
          .filter((i) => kind !== "s" || i.sponsor); // a sponsored item that cannot name its sponsor is not shown
        return { key: s.key, kind, title: String(cfg.titles[s.key] || s.title || ""), disclosure: s.disclosure, items };
      })
      .filter((s) => s.items.length);
    // Editorial first, sponsored always last, whatever order the answer had.
    return [...out.filter((s) => s.kind !== "s"), ...out.filter((s) => s.kind === "s")];
  };

  // Events go back with the answer's event token; the server keeps only what that answer served.
  // A 429 pauses sending for its Retry-After (events wait in a bounded queue meanwhile).
  const tracker = (cfg, token) => {
    const url = new URL("v1/events", cfg.api).href;
    let queue = [];
    let timer = 0;
    let pausedUntil = 0;
    const post = (events) => {
      const body = JSON.stringify({ page_view: PAGE_VIEW, article_id: cfg.articleId, event_token: token, events });
      const headers = { "Content-Type": "text/plain" };
      if (!window.fetch) {
        if (navigator.sendBeacon) navigator.sendBeacon(url, body);
        return;
      }
      fetch(url, { method: "POST", body, keepalive: true, credentials: "omit", headers })
        .then((response) => {
          if (response.status !== 429) return;
          const wait = Number.parseInt(response.headers.get("Retry-After") || "", 10);
          pausedUntil = Date.now() + 1000 * (Number.isFinite(wait) && wait > 0 ? Math.min(wait, 3600) : 60);
          queue = [...events, ...queue].slice(0, 200);
          clearTimeout(timer);
          timer = setTimeout(flush, pausedUntil - Date.now());
        })
        .catch(() => {});
    };
    const flush = () => {
      clearTimeout(timer);
      timer = 0;
      if (!queue.length || !token) return;
      if (Date.now() < pausedUntil) {
        timer = setTimeout(flush, pausedUntil - Date.now());
        return;
      }
      try {
        while (queue.length) post(queue.splice(0, 100));
      } catch (e) { /* never let analytics break the page */ }
    };
    const event = (kind, section, item) => ({ kind, section: section.key, item_id: item.id, position: item.position });
    const send = (e, now) => {
      if (queue.length < 200) queue.push(e);
      if (now) flush();
      else if (!timer) timer = setTimeout(flush, 400);
    };
    addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flush());
    return { event, send };
  };

  // An item counts as seen once at least half of it has stayed on screen for `dwell` ms.
  const watch = (cards, cfg, track) => {
    if (!("IntersectionObserver" in window)) return;
    const pending = new Map();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const hit = cards.get(entry.target);
        if (entry.isIntersecting && entry.intersectionRatio >= 0.5) {
          if (!pending.has(entry.target)) {
            pending.set(entry.target, setTimeout(() => {
              observer.unobserve(entry.target);
              track.send(track.event("impression", hit.section, hit.item));
            }, cfg.dwell));
          }
        } else if (pending.has(entry.target)) {
          clearTimeout(pending.get(entry.target));
          pending.delete(entry.target);
        }
      }
    }, { threshold: [0, 0.5, 1] });
    cards.forEach((_, node) => observer.observe(node));
  };

  const render = (wrap, sections, cfg, token) => {
    const ctx = { now: Date.now(), base: cfg.api };
    const track = tracker(cfg, token);
    const cards = new Map();
    wrap.replaceChildren();
    wrap.removeAttribute("aria-busy");
    for (const s of sections) {
      const note = s.kind === "s" && s.disclosure ? el("p", "x", String(s.disclosure)) : null;
      const node = block(s.kind, s.title, s.items, ctx, note);
      node.querySelectorAll("a").forEach((a, i) => {
        const hit = { section: s, item: s.items[i] };
        cards.set(a, hit);
        const click = (ev) => (ev.type === "click" || ev.button === 1) && track.send(track.event("click", s, hit.item), true);
        a.addEventListener("click", click);
        a.addEventListener("auxclick", click);
      });
      wrap.append(node);
    }
    watch(cards, cfg, track);
  };

  const mount = async (host) => {
    const cfg = config(host);
    if (!ID_RE.test(cfg.articleId) || !cfg.api || !host.attachShadow || host.shadowRoot) return;
    const root = host.attachShadow({ mode: "open" });
    const style = el("style", "", STYLES);
    const wrap = skeleton(cfg);
    root.append(style, wrap);
    host.setAttribute("data-recommender-state", "loading");
    const seen = cfg.history ? readHistory() : [];
    if (cfg.history) remember(seen, cfg.articleId);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), cfg.timeout);
    try {
      const url = new URL("v1/recommendations", cfg.api);
      url.searchParams.set("article_id", cfg.articleId);
      for (const [name, value] of Object.entries(cfg.counts)) if (value !== null) url.searchParams.set(name, value);
      const history = seen.filter((id) => id !== cfg.articleId);
      if (history.length) url.searchParams.set("history", history.join(","));
      if (cfg.counts.popular && cfg.popularScope) url.searchParams.set("popular_scope", cfg.popularScope);
      if (cfg.experiments) url.searchParams.set("page_view", PAGE_VIEW);
      const response = await fetch(url.href, { signal: controller.signal, credentials: "omit" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      clearTimeout(timer);
      const sections = sectionsOf(data, cfg);
      if (!sections.length) throw new Error("empty");
      render(wrap, sections, cfg, typeof data.event_token === "string" ? data.event_token : "");
      host.setAttribute("data-recommender-state", "ready");
    } catch (e) {
      clearTimeout(timer);
      root.replaceChildren();
      host.setAttribute("data-recommender-state", "empty");
    }
  };

  const scan = () => {
    document.querySelectorAll("[data-recommender]").forEach((host) => {
      for (const [name, prop] of Object.entries(STYLE_VARS)) {
        const value = host.dataset[name];
        if (value && window.CSS && CSS.supports("color", value)) host.style.setProperty(prop, value);
      }
      mount(host).catch(() => {});
    });
  };

  window.recommenderWidget = { scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
