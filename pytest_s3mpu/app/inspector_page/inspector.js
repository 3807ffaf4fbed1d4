// The s3mpu inspector page. Every value from the server goes into the page as text (textContent, title,
// dataset), never as HTML. Live: polls inspector.json on the server that sent the page. Static: shows the
// JSON embedded in the page (journal.html) and makes no request.
"use strict";
(function () {
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  let latest = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function bytes(n) {
    if (n === null || n === undefined) return "";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
    return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 2 : 1)) + " " + units[unit];
  }

  function table(headings, rows) {
    const t = el("table");
    const head = el("tr");
    headings.forEach((h) => head.appendChild(el("th", null, h)));
    t.appendChild(head);
    rows.forEach((row) => t.appendChild(row));
    return t;
  }

  function row(cells) {
    const tr = el("tr");
    cells.forEach(([value, className]) => tr.appendChild(el("td", className || null, value)));
    return tr;
  }

  function matches(query, ...values) {
    if (!query) return true;
    return values.some((v) => v !== null && v !== undefined && String(v).toLowerCase().includes(query));
  }

  function replace(container, nodes, emptyText) {
    container.replaceChildren(...(nodes.length ? nodes : [el("p", "empty", emptyText)]));
  }

  function renderBuckets(data, query) {
    const nodes = [];
    data.buckets.forEach((bucket) => {
      const objects = bucket.objects.filter((o) => matches(query, bucket.name, o.key, o.etag));
      if (!objects.length && !matches(query, bucket.name)) return;
      const title = el("h3", "mono", bucket.name);
      title.appendChild(el("span", "count", "  " + bucket.object_count + " object(s)"));
      const rows = objects.map((o) => {
        const tr = row([
          [o.key, "mono key"], [bytes(o.size), "num"], [o.etag, "mono"], [o.parts === null ? "" : o.parts, "num"],
          [o.checksum_algorithm ? o.checksum_algorithm + " " + o.checksum_type : "", null],
          [o.last_modified, null],
        ]);
        tr.dataset.key = o.key;
        tr.title = o.size + " bytes";
        return tr;
      });
      const box = el("div", "bucket");
      box.dataset.bucket = bucket.name;
      box.append(title, table(["key", "size", "ETag", "parts", "checksum", "last modified"], rows));
      nodes.push(box);
    });
    $("buckets-count").textContent = "(" + data.buckets.length + ")";
    replace($("buckets"), nodes, "no buckets");
  }

  function partBlock(part, minSize, isLast) {
    const block = el("div", "part", part.number);
    block.style.flexGrow = String(Math.max(part.size, 1));
    if (part.size < minSize && !isLast) block.classList.add("under-min");
    if (part.size > minSize) {
      const mark = el("div", "min-mark");
      mark.style.left = ((minSize / part.size) * 100).toFixed(2) + "%";
      block.appendChild(mark);
    }
    block.dataset.part = String(part.number);
    block.title = "part " + part.number + ": " + part.size + " bytes (" + bytes(part.size) + ")\nETag: " +
      part.etag + (part.checksum ? "\nchecksum: " + part.checksum : "");
    return block;
  }

  function renderUploads(data, query) {
    const nodes = [];
    data.uploads.forEach((upload) => {
      if (!matches(query, upload.bucket, upload.key, upload.upload_id)) return;
      const box = el("div", "upload");
      box.dataset.uploadId = upload.upload_id;
      box.dataset.state = upload.state;
      const head = el("div", "upload-head");
      const total = upload.parts.reduce((sum, p) => sum + p.size, 0);
      head.append(
        el("span", "state " + upload.state, upload.state),
        el("span", "mono", upload.bucket + "/" + upload.key),
        el("span", "count", upload.parts.length + " part(s), " + bytes(total)),
        el("span", "count", upload.algorithm ? upload.algorithm + " " + upload.checksum_type : "no checksum algorithm"),
        el("span", "mono count", upload.upload_id),
      );
      const bar = el("div", "bar");
      let expected = 1;
      upload.parts.forEach((part, index) => {
        for (; expected < part.number; expected += 1) {
          const gap = el("div", "gap");
          gap.dataset.missing = String(expected);
          gap.title = "part " + expected + " missing";
          bar.appendChild(gap);
        }
        bar.appendChild(partBlock(part, data.min_part_size, index === upload.parts.length - 1));
        expected = part.number + 1;
      });
      box.append(head, bar);
      nodes.push(box);
    });
    $("uploads-count").textContent = "(" + data.uploads.length + ")";
    $("min-part-size").textContent = bytes(data.min_part_size);
    replace($("uploads"), nodes, "no uploads");
  }

  // What an attempt came to: its HTTP status; else a lifecycle action the server took itself (the journal
  // types it by its "lifecycle" field: no request, so no status); else a connection a fault dropped.
  const outcome = (a) => (a.status !== null ? String(a.status) : a.lifecycle ? "lifecycle" : "dropped");

  function attemptChip(a) {
    const chip = el("span", "attempt");
    if (a.status === null) chip.classList.add(outcome(a));
    else if (a.error_code && a.status < 400) chip.classList.add("s5");  // an error inside a 200 (embedded)
    else chip.classList.add("s" + String(a.status)[0]);
    const throttled = a.error_code === "SlowDown";
    if (throttled) chip.classList.add("throttled");
    const label = a.lifecycle ? ["lifecycle", a.lifecycle] : [a.attempt === null ? "#?" : "#" + a.attempt, outcome(a)];
    if (a.error_code) label.push(a.error_code);
    if (!a.lifecycle) label.push(a.duration_ms.toFixed(1) + " ms");
    chip.textContent = label.join(" ");
    if (a.fault) chip.appendChild(el("span", "fault-mark", " \u26a1" + a.fault));
    chip.dataset.seq = String(a.seq);
    chip.dataset.status = outcome(a);
    if (a.fault) chip.dataset.fault = a.fault;
    chip.title = "seq " + a.seq + ", " + (a.method || "") + ", " + a.bytes_in + " bytes in, " + a.bytes_out +
      " bytes out" + (a.fault ? ", fault " + a.fault : "") + (throttled ? " (throttled)" : "");
    return chip;
  }

  function renderTimeline(data, query) {
    const nodes = [];
    data.calls.forEach((call) => {
      if (!matches(query, call.bucket, call.key, call.upload_id, call.operation, call.invocation_id)) return;
      const line = el("div", "call");
      line.dataset.operation = call.operation;
      if (call.part_number !== null) line.dataset.part = String(call.part_number);
      if (call.invocation_id) line.dataset.invocation = call.invocation_id;
      line.dataset.attempts = String(call.attempts.length);
      let name = call.operation + " " + (call.bucket || "") + (call.key ? "/" + call.key : "");
      if (call.part_number !== null) name += " part " + call.part_number;
      const label = el("span", "call-name mono", name);
      label.title = call.invocation_id ? "invocation " + call.invocation_id : "no SDK invocation id";
      const attempts = el("span", "attempts");
      call.attempts.forEach((a) => attempts.appendChild(attemptChip(a)));
      line.append(label, attempts);
      nodes.push(line);
    });
    const cut = data.journal_count > data.calls.reduce((n, c) => n + c.attempts.length, 0);
    $("calls-count").textContent = "(" + data.calls.length + " calls, " + data.journal_count + " requests" +
      (cut ? ", newest shown" : "") + ")";
    replace($("timeline"), nodes, "no requests yet");
  }

  function renderFaults(data) {
    const rows = data.faults.map((rule) => {
      const what = [rule.bucket, rule.key, rule.part_number === null ? null : "part " + rule.part_number]
        .filter((v) => v !== null && v !== undefined).join(" ");
      const tr = row([
        [rule.id, "mono"], [rule.operation, null], [what, "mono"],
        [rule.action + (rule.preset ? " " + rule.preset : rule.code ? " " + rule.code : ""), null],
        [rule.times === null ? "always" : rule.times, "num"], [rule.hits, "num hits"],
      ]);
      tr.dataset.rule = rule.id;
      tr.dataset.hits = String(rule.hits);
      return tr;
    });
    $("faults-count").textContent = "(" + data.faults.length + ")";
    replace($("faults"), rows.length ? [table(["id", "operation", "match", "action", "times", "hits"], rows)] : [],
      "no fault rules");
  }

  function render(data) {
    latest = data;
    const query = $("search").value.trim().toLowerCase();
    renderUploads(data, query);
    renderTimeline(data, query);
    renderFaults(data);
    renderBuckets(data, query);
    document.body.dataset.rendered = data.generated;
  }

  function poll() {
    fetch("/_s3mpu/inspector.json", { cache: "no-store", credentials: "omit" })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then((data) => {
        render(data);
        $("status").textContent = "live, updated " + new Date().toLocaleTimeString();
        $("status").classList.remove("down");
      })
      .catch((error) => {
        $("status").textContent = "server not answering (" + error.message + "); retrying";
        $("status").classList.add("down");
      })
      .finally(() => setTimeout(poll, POLL_MS));
  }

  $("search").addEventListener("input", () => { if (latest) render(latest); });
  const embedded = $("s3mpu-data").textContent.trim();
  if (embedded) {
    const data = JSON.parse(embedded);
    render(data);
    $("status").textContent = "snapshot taken " + data.generated;
  } else {
    poll();
  }
})();
