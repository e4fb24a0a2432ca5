// A list a reader sorts and opens (app_pages/list_table.py): an HTML table drawn from data, every value set as
// text (textContent), never as markup. Headers sort (ascending, descending, as given); a row, or in cell mode a
// marked cell, sends its position back to Python as the trigger "select"; a link cell opens its address in a
// new tab and selects nothing. Rows are drawn forty at a time (more than a box shows), the next ones as the box
// scrolls near them: a thousand rows drawn at once took longer than the grid they replace, a hundred twice as
// long as forty (145 against 72 ms to re-sort a thousand trials on the benchmark's machine).

const CHUNK = 40;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const sortState = new WeakMap(); // per mounted table: kept while the same table is redrawn with new data

function sortKey(data, column, row) {
  const keys = data.keys[column];
  if (keys) return keys[row];
  const text = data.rows[row][column];
  return text === "" || text === data.missing ? null : text;
}

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

function order(data, sort) {
  const rows = data.rows.map((_, i) => i);
  if (!sort) return rows;
  const keys = rows.map((row) => sortKey(data, sort.column, row));
  return rows.sort((i, j) => {
    if (keys[i] === null || keys[j] === null) return (keys[i] === null) - (keys[j] === null); // unknown last
    return sort.descending ? compare(keys[j], keys[i]) : compare(keys[i], keys[j]);
  });
}

function headerCell(column, index, sort, resort) {
  const th = document.createElement("th");
  th.scope = "col";
  if (column.pinned) th.className = "pinned";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = column.name;
  if (column.help) button.title = column.help;
  th.setAttribute("aria-sort", sort && sort.column === index ? (sort.descending ? "descending" : "ascending") : "none");
  button.addEventListener("click", () => resort(index));
  th.appendChild(button);
  return th;
}

function bodyCell(data, column, row, index, choose) {
  const td = document.createElement("td");
  const text = data.rows[row][index];
  const href = column.kind === "link" ? data.links[index][row] : null;
  if (column.pinned) td.classList.add("pinned");
  if (column.kind === "number") td.classList.add("number");
  if (column.long) td.classList.add("long");
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = text;
    a.addEventListener("click", (event) => event.stopPropagation());
    td.appendChild(a);
  } else {
    td.textContent = text;
  }
  if (data.mode === "cell" && data.clickable[row][index]) {
    td.classList.add("choice");
    td.tabIndex = 0;
    td.addEventListener("click", () => choose(row, index));
    td.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(row, index); }
    });
  }
  return td;
}

function bodyRow(data, row, choose) {
  const tr = document.createElement("tr");
  data.columns.forEach((column, index) => tr.appendChild(bodyCell(data, column, row, index, choose)));
  if (data.mode === "row") {
    tr.className = "choice";
    tr.tabIndex = 0;
    if (row === data.selected) tr.setAttribute("aria-selected", "true");
    tr.addEventListener("click", () => choose(row, 0));
    tr.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(row, 0); }
    });
  }
  return tr;
}

function draw(root, data, setTriggerValue) {
  let sort = sortState.get(root) || null;
  if (sort && sort.column >= data.columns.length) sort = null; // the same table with other columns
  const choose = (row, column) => setTriggerValue("select", { row, column: data.columns[column].key });
  const resort = (index) => {
    const now = sortState.get(root);
    const next = !now || now.column !== index ? { column: index, descending: false }
      : !now.descending ? { column: index, descending: true } : null;
    sortState.set(root, next);
    draw(root, data, setTriggerValue);
  };

  const table = document.createElement("table");
  if (data.label) table.setAttribute("aria-label", data.label);
  table.setAttribute("aria-rowcount", String(data.rows.length + 1));
  const head = table.createTHead().insertRow();
  data.columns.forEach((column, index) => head.appendChild(headerCell(column, index, sort, resort)));
  const body = table.createTBody();
  const rows = order(data, sort);
  const more = () => {
    const from = body.rows.length;
    const chunk = document.createDocumentFragment();
    rows.slice(from, from + CHUNK).forEach((row) => chunk.appendChild(bodyRow(data, row, choose)));
    body.appendChild(chunk);
  };
  more();

  const box = document.createElement("div");
  box.className = data.whole ? "box whole" : "box";
  box.appendChild(table);
  box.addEventListener("scroll", () => {
    if (body.rows.length < rows.length && box.scrollTop + 2 * box.clientHeight > box.scrollHeight) more();
  }, { passive: true });
  const old = root.querySelector(".box");
  const scroll = old ? [old.scrollLeft, old.scrollTop] : [0, 0];
  while (old && body.rows.length < Math.min(old.querySelector("tbody").rows.length, rows.length)) more();
  if (old) old.replaceWith(box); else root.appendChild(box);
  [box.scrollLeft, box.scrollTop] = scroll;
  while (body.rows.length < rows.length && box.scrollHeight <= box.clientHeight) more(); // a tall window: fill it
  // A second pinned column stays in view beside the first: its offset is the first one's width.
  const first = head.cells[0];
  if (first && first.classList.contains("pinned")) table.style.setProperty("--pinned", `${first.offsetWidth}px`);
}

export default function ({ data, parentElement, setTriggerValue }) {
  draw(parentElement, data, setTriggerValue);
}
