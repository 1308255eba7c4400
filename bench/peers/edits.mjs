// edits.mjs [N] - bytes Automerge and Yjs spend on single-field edits.
//
// One record {title, description, category, quantity, location} is created
// first (not counted), then N edits, each its own change/transaction, cycle
// through: title = `Ladder ${i}`, quantity = i, location = `Block .. unit ..`.
// Prints one line of JSON.  Run ./setup.sh first.
//
// Strings are last-writer-wins scalars in both libraries, like kith fields:
// Automerge.ImmutableString (a plain JS string would become collaborative
// text) and plain values in a Y.Map.

const n = process.argv[2] === undefined ? 1000 : Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1) {
	console.error("usage: node edits.mjs [N>=1]");
	process.exit(2);
}

let A, Y;
try {
	A = await import("@automerge/automerge");
	Y = await import("yjs");
} catch (e) {
	console.error(`edits.mjs: libraries missing (run bench/peers/setup.sh): ${e.message}`);
	process.exit(1);
}

const { readFileSync } = await import("node:fs");
const version = (pkg) => JSON.parse(readFileSync(
	new URL(`node_modules/${pkg}/package.json`, import.meta.url))).version;

const record = {
	title: "Aluminium step ladder", // 21 chars
	description: "Three-step folding ladder, max load 150 kg. Ask before borrowing.",
	category: "tools",
	quantity: 1,
	location: "Block 3 unit 12",
};

// The i-th edit as [field, value]; titles stay ~20 chars like the original.
function edit(i) {
	switch (i % 3) {
	case 0: return ["title", `Ladder ${i} aluminium`];
	case 1: return ["quantity", i];
	default: return ["location", `Block ${i % 7} unit ${i % 40}`];
	}
}

const round1 = (x) => Math.round(x * 10) / 10;

function automerge() {
	const str = (v) => (typeof v === "string" ? new A.ImmutableString(v) : v);
	let doc = A.change(A.init(), (d) => {
		d.record = Object.fromEntries(Object.entries(record).map(([k, v]) => [k, str(v)]));
	});
	const before = A.save(doc).length;
	let changeBytes = 0;
	for (let i = 0; i < n; i++) {
		const [field, value] = edit(i);
		doc = A.change(doc, (d) => { d.record[field] = str(value); });
		changeBytes += A.getLastLocalChange(doc).length;
	}
	return {
		change: changeBytes / n,
		save: (A.save(doc).length - before) / n,
	};
}

function yjs() {
	const doc = new Y.Doc();
	doc.clientID = 0x5eed1234; // random ids are ~always 5-byte varints; pin for repeatability
	const rec = new Y.Map();
	doc.getMap("root").set("record", rec);
	doc.transact(() => {
		for (const [k, v] of Object.entries(record)) rec.set(k, v);
	});
	const before = Y.encodeStateAsUpdate(doc).length;
	let updateBytes = 0;
	doc.on("update", (update) => { updateBytes += update.length; });
	for (let i = 0; i < n; i++) {
		const [field, value] = edit(i);
		doc.transact(() => rec.set(field, value));
	}
	return {
		update: updateBytes / n,
		state: (Y.encodeStateAsUpdate(doc).length - before) / n,
	};
}

const am = automerge();
const y = yjs();
console.log(JSON.stringify({
	n,
	automerge_change_bytes: round1(am.change),
	automerge_save_bytes_per_edit: round1(am.save),
	yjs_update_bytes: round1(y.update),
	yjs_state_bytes_per_edit: round1(y.state),
	automerge_version: version("@automerge/automerge"),
	yjs_version: version("yjs"),
}));
