// app.js - the console's pages: plain JavaScript, no framework. Every
// value from the server is put in the page with textContent (never as
// markup), so a family named <script>...</script> is shown as text.
// The rules are the server's: the pages only show and ask.
"use strict";

const etat = { user: null, role: null, csrf: null };
// The views of the other scripts (month.js, mandats.js, retours.js), by
// the first word of the address: name -> async function(the rest).
const VUES = {};

// ------------------------------------------------------------- outils

const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function ligne(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    let td;
    if (c instanceof Node) td = c.tagName === "TD" ? c : wrap(c);
    else if (c !== null && typeof c === "object") td = el("td", c.text, c.cls);
    else td = el("td", c);
    tr.appendChild(td);
  }
  return tr;
}

function wrap(node) {
  const td = document.createElement("td");
  td.appendChild(node);
  return td;
}

function vider(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
function eur(cents) {
  return euros.format(Number(cents) / 100);
}
function montant(cents) {
  return { text: eur(cents), cls: "n" };
}

// "2026-10-06" -> "06/10/2026"; "2026-09" -> "septembre 2026"
function date(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso || "";
}
const MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
  "août", "septembre", "octobre", "novembre", "décembre"];
function mois(iso) {
  const m = /^(\d{4})-(\d{2})/.exec(iso || "");
  return m ? `${MOIS[Number(m[2]) - 1]} ${m[1]}` : iso || "";
}

const ETATS_FACTURE = {
  issued: "émise", collecting: "en cours de prélèvement", paid: "payée",
  unpaid: "impayée", reminded: "rappelée", recovery: "en recouvrement",
  cancelled: "annulée",
};
const ETATS_MANDAT = {
  active: "actif", suspended: "suspendu", terminated: "résilié",
  lapsed: "caduc",
};
// The steps' and the events' names come from the server, in its language
// (`label`); the code is the fallback.
const TROUVEE = { ref: "référence", name: "nom", rum: "RUM", invoice: "facture" };

function message(texte, erreur) {
  const p = $("message");
  p.textContent = texte || "";
  p.hidden = !texte;
  p.classList.toggle("erreur", Boolean(erreur));
}

// ---------------------------------------------------------------- API

async function api(methode, chemin, corps) {
  const opts = { method: methode, headers: {}, credentials: "same-origin" };
  if (corps !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(corps);
  }
  if (methode !== "GET" && etat.csrf) opts.headers["X-CSRF-Token"] = etat.csrf;
  const rep = await fetch(chemin, opts);
  let data = {};
  try { data = await rep.json(); } catch (e) { data = {}; }
  if (rep.status === 401 && chemin !== "/api/login") {
    sortir();
    throw new Error("Votre session a pris fin : reconnectez-vous.");
  }
  if (!rep.ok) throw Object.assign(new Error(texteErreur(rep.status, data)), { data });
  return data;
}

function texteErreur(status, data) {
  switch (data.error) {
    case "bad_credentials": return "Identifiant ou mot de passe incorrect.";
    case "locked": return "Compte verrouillé après trop d'essais : réessayez plus tard ou demandez un nouveau mot de passe.";
    case "forbidden": return "Votre profil (consultation) ne permet pas cette action.";
    case "csrf": return "Jeton de sécurité absent : rechargez la page.";
    case "unavailable": return "La base de données est indisponible.";
    case "too_large": return "Requête trop volumineuse.";
    case "busy": return "Une étape est déjà en cours : attendez qu'elle se termine.";
    case "gone": return "Ce fichier n'est plus dans le dépôt (il a été transmis).";
    default: return data.message ? `Refusé : ${data.message}` : `Erreur ${status}`;
  }
}

// ------------------------------------------------------------ session

function entrer(data) {
  etat.user = data.user;
  etat.role = data.role;
  etat.csrf = data.csrf;
  $("utilisateur").textContent =
    `${data.user} (${data.role === "finance" ? "finances" : "consultation"})`;
  $("qui").hidden = false;
  $("menu").hidden = false;
  document.body.classList.toggle("lecture", data.role !== "finance");
  if (!location.hash || location.hash === "#connexion") location.hash = "#tableau";
  else router();
}

function sortir() {
  etat.user = etat.role = etat.csrf = null;
  $("qui").hidden = true;
  $("menu").hidden = true;
  montrer("connexion");
}

async function connexion(ev) {
  ev.preventDefault();
  message("");
  try {
    const data = await api("POST", "/api/login", {
      user: $("champ-utilisateur").value,
      password: $("champ-mdp").value,
    });
    $("champ-mdp").value = "";
    entrer(data);
  } catch (e) {
    message(e.message, true);
  }
}

async function deconnexion() {
  try { await api("POST", "/api/logout", {}); } catch (e) { /* ended */ }
  sortir();
  message("Vous êtes déconnecté.");
}

// -------------------------------------------------------------- vues

function montrer(vue) {
  for (const s of document.querySelectorAll(".vue")) s.hidden = s.id !== `vue-${vue}`;
  for (const a of document.querySelectorAll("#menu a"))
    a.classList.toggle("actif", a.dataset.vue === vue || (vue === "famille" && a.dataset.vue === "familles")
      || (vue === "mandat" && a.dataset.vue === "mandats"));
}

async function router() {
  if (!etat.user) { montrer("connexion"); return; }
  const h = location.hash.replace(/^#/, "");
  const [nom, ...reste] = h.split("/");
  message("");
  try {
    if (h.startsWith("famille/")) {
      montrer("famille");
      await famille(decodeURIComponent(h.slice(8)));
    } else if (VUES[nom]) {
      montrer(nom);
      await VUES[nom](decodeURIComponent(reste.join("/")));
    } else if (h === "familles") {
      montrer("familles");
      $("champ-recherche").focus();
    } else {
      montrer("tableau");
      await tableau();
    }
  } catch (e) {
    message(e.message, true);
  }
}

// ---------------------------------------------------- tableau de bord

async function tableau() {
  const [d, a] = await Promise.all([api("GET", "/api/dashboard"), api("GET", "/api/attention")]);
  $("commune").textContent = d.creditor || "";
  $("date-jour").textContent = `au ${date(d.today)}`;
  const tb = $("table-bilan").tBodies[0];
  vider(tb);
  for (const b of d.balance.slice(-12).reverse()) {
    tb.appendChild(ligne([mois(b.month), { text: b.invoices, cls: "n" }, montant(b.billed),
      montant(b.debit), montant(b.other), montant(b.credits), montant(b.collecting),
      montant(b.unpaid), montant(b.recovery),
      { text: eur(b.difference), cls: b.difference !== 0 ? "n ecart" : "n" }]));
  }
  $("bilan-vide").hidden = d.balance.length > 0;
  $("table-bilan").hidden = d.balance.length === 0;

  const faites = $("liste-faites");
  vider(faites);
  for (const r of d.ran) {
    const f = `${r.label || r.step} — ${mois(r.month)}`;
    faites.appendChild(el("li", `${f}${r.bills ? ` (facture ${mois(r.bills)})` : ""}, le ${date(r.on)}`));
  }
  if (d.ran.length === 0) faites.appendChild(el("li", "Aucune étape pour l'instant.", "vide"));
  const proch = $("liste-prochaines");
  vider(proch);
  for (const n of d.next) {
    const li = el("li");
    li.appendChild(el("strong", n.label || n.step));
    let t = ` — ${mois(n.month)}`;
    if (n.bills) t += ` (facture ${mois(n.bills)})`;
    t += `, le ${date(n.on)}`;
    li.appendChild(document.createTextNode(t));
    if (n.due) li.appendChild(el("span", "à faire", "pastille"));
    proch.appendChild(li);
  }
  const fichiers = $("liste-fichiers");
  vider(fichiers);
  for (const t of d.unreleased) fichiers.appendChild(el("li", t));
  attention(a.events);
}

function attention(events) {
  const tb = $("table-attention").tBodies[0];
  vider(tb);
  const parNature = new Map();
  for (const e of events) {
    const nature = e.label || e.kind;
    if (!parNature.has(nature)) parNature.set(nature, []);
    parNature.get(nature).push(e.id);
  }
  const natures = $("liste-natures");
  vider(natures);
  for (const [nature, ids] of parNature) {
    const li = el("li");
    li.appendChild(el("span", `${nature} : ${ids.length}`));
    if (etat.role === "finance") {
      const b = el("button", ids.length > 1 ? `Acquitter les ${ids.length}` : "Acquitter", "secondaire");
      b.type = "button";
      b.addEventListener("click", () => acquitter(ids));
      li.appendChild(b);
    }
    natures.appendChild(li);
  }
  for (const e of events) {
    const cell = document.createElement("td");
    cell.className = "boutons";
    if (etat.role === "finance") {
      const b = el("button", "Acquitter");
      b.type = "button";
      b.addEventListener("click", () => acquitter([e.id]));
      cell.appendChild(b);
    }
    tb.appendChild(ligne([date(e.date), e.label || e.kind, e.message, cell]));
  }
  $("nb-attention").textContent = events.length ? String(events.length) : "";
  $("attention-vide").hidden = events.length > 0;
  $("table-attention").hidden = events.length === 0;
  $("attention-actions").hidden = events.length === 0 || etat.role !== "finance";
}

async function acquitter(ids) {
  const note = $("note-attention").value.trim();
  if (!note) {
    message("Écrivez d'abord une note : qui a traité, et comment.", true);
    $("note-attention").focus();
    return;
  }
  try {
    const r = await api("POST", "/api/attention/ack", { ids, note });
    await tableau();
    message(`${r.acknowledged} événement${r.acknowledged > 1 ? "s" : ""} acquitté${r.acknowledged > 1 ? "s" : ""}.`);
  } catch (e) {
    message(e.message, true);
  }
}

// ----------------------------------------------------------- familles

async function recherche(ev) {
  ev.preventDefault();
  message("");
  const q = $("champ-recherche").value.trim();
  vider($("table-familles").tBodies[0]);
  $("table-familles").hidden = true;
  $("familles-vide").hidden = true;
  try {
    const d = await api("GET", `/api/families?q=${encodeURIComponent(q)}`);
    const tb = $("table-familles").tBodies[0];
    vider(tb);
    for (const f of d.families) {
      const a = el("a", f.ref);
      a.href = `#famille/${encodeURIComponent(f.ref)}`;
      tb.appendChild(ligne([wrap(a), f.payer, f.town, f.rum || "—",
        ETATS_MANDAT[f.mandate] || "aucun", TROUVEE[f.match] || f.match]));
    }
    $("table-familles").hidden = d.families.length === 0;
    $("familles-vide").hidden = d.families.length > 0;
  } catch (e) {
    message(e.message, true);
  }
}

function lienMandat(rum) {
  const a = el("a", rum);
  a.href = `#mandat/${encodeURIComponent(rum)}`;
  return wrap(a);
}

function fiche(dl, pairs) {
  vider(dl);
  for (const [k, v] of pairs) {
    if (!v) continue;
    dl.appendChild(el("dt", k));
    dl.appendChild(el("dd", v));
  }
}

async function famille(ref) {
  const d = await api("GET", `/api/family?ref=${encodeURIComponent(ref)}`);
  const f = d.family;
  $("famille-titre").textContent = `${f.payer} — famille ${f.ref}`;
  fiche($("famille-fiche"), [
    ["Adresse", [f.building, f.street].filter(Boolean).join(" ")],
    ["Commune", `${f.postcode} ${f.town} (${f.country})`],
    ["Courriel", f.email],
    ["Tranche de quotient familial", f.bracket],
  ]);
  const tm = $("table-mandats").tBodies[0];
  vider(tm);
  for (const m of d.mandates)
    tm.appendChild(ligne([lienMandat(m.rum), ETATS_MANDAT[m.state] || m.state, m.reason || "",
      date(m.since), date(m.signed), date(m.ends), m.account || "—"]));
  $("mandats-vide").hidden = d.mandates.length > 0;
  $("table-mandats").hidden = d.mandates.length === 0;

  const tf = $("table-factures");
  vider(tf.tBodies[0]);
  const somme = { total: 0, debit: 0, other: 0, credits: 0, unpaid: 0, recovery: 0, collecting: 0 };
  for (const i of d.invoices) {
    for (const k of Object.keys(somme)) somme[k] += i[k];
    tf.tBodies[0].appendChild(ligne([i.number, mois(i.month), date(i.issued),
      ETATS_FACTURE[i.state] || i.state, montant(i.total), montant(i.debit),
      montant(i.other), montant(i.credits), montant(i.unpaid), montant(i.recovery),
      montant(i.collecting)]));
  }
  vider(tf.tFoot);
  if (d.invoices.length > 0)
    tf.tFoot.appendChild(ligne(["Total", "", "", "", montant(somme.total), montant(somme.debit),
      montant(somme.other), montant(somme.credits), montant(somme.unpaid),
      montant(somme.recovery), montant(somme.collecting)]));
  $("factures-vide").hidden = d.invoices.length > 0;
  tf.hidden = d.invoices.length === 0;

  const th = $("table-historique").tBodies[0];
  vider(th);
  for (const h of d.history) th.appendChild(ligne([h.number, date(h.date), h.what, h.code]));
}

// ---------------------------------------------------------- démarrage

document.addEventListener("DOMContentLoaded", async () => {
  $("form-connexion").addEventListener("submit", connexion);
  $("deconnexion").addEventListener("click", deconnexion);
  $("form-recherche").addEventListener("submit", recherche);
  window.addEventListener("hashchange", router);
  try {
    entrer(await api("GET", "/api/session"));
  } catch (e) {
    sortir();
  }
});
