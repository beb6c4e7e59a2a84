// month.js - the pages Le mois and Paiements (after app.js, whose tools
// it uses). The invoice run's preview, the run and the collection are
// steps the server runs in a worker: the page starts one, then polls
// /api/month/job and shows how far it is, staying usable meanwhile.
// Values are set with textContent only; the rules are the server's.
"use strict";

const mois_etat = { cycle: null, today: null, apercu: null, bilan: null, suivi: null };

const ETAPES_MOIS = {
  preview: "Aperçu de la facturation",
  invoice: "Facturation",
  collect: "Prélèvement",
};
const PHASES = {
  invoices: "calcul des factures",
  notices: "écriture des avis d’échéance",
  pdf: "avis d’échéance en PDF",
  record: "enregistrement des prélèvements",
};
const NATURES_FICHIER = {
  pain008: "Prélèvements (pain.008)",
  pes: "Flux PES (ORMC)",
  recovery: "Recouvrement (CSV)",
  notices: "Avis d’échéance (PDF)",
};
const ETATS_FICHIER = {
  prepared: "enregistré, pas encore écrit",
  placing: "en cours de dépôt",
  released: "déposé",
  rejected: "rejeté par la banque",
  cancelled: "annulé",
  written: "écrit",
};
const UNITES = { meal: "repas", slot: "créneaux", hour: "heures", day: "journées" };

// "2026-10" + n months
function moisPlus(iso, n) {
  const [a, m] = iso.split("-").map(Number);
  const t = a * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")}`;
}
const nombre = new Intl.NumberFormat("fr-FR");
function taille(octets) {
  if (octets === null || octets === undefined) return "—";
  if (octets < 1024) return `${octets} o`;
  if (octets < 1024 * 1024) return `${nombre.format(Math.round(octets / 102.4) / 10)} Ko`;
  return `${nombre.format(Math.round(octets / 104857.6) / 10)} Mo`;
}
function duree(s) {
  const n = Math.round(s);
  return n < 60 ? `${n} s` : `${Math.floor(n / 60)} min ${n % 60} s`;
}
// "de septembre 2026", "d’octobre 2026"
function deMois(iso) {
  const m = mois(iso);
  return /^[aeiouyéâ]/.test(m) ? `d’${m}` : `de ${m}`;
}
const consommation = () => moisPlus(mois_etat.cycle, -1);

// ------------------------------------------------------- confirmation

// A dialog stating what will happen; resolves true on "Confirmer".
function confirmer(titre, texte, bouton) {
  const d = $("confirmation");
  $("confirmation-titre").textContent = titre;
  $("confirmation-texte").textContent = texte;
  $("confirmation-oui").textContent = bouton;
  return new Promise((resolve) => {
    d.addEventListener("close", () => resolve(d.returnValue === "oui"), { once: true });
    d.returnValue = "";
    d.showModal();
  });
}

// -------------------------------------------------------------- étape

function montrerEtape(job) {
  const box = $("etape");
  if (!job) { box.hidden = true; mois_etat.enCours = false; return; }
  box.hidden = false;
  box.classList.toggle("fini", job.state === "done");
  box.classList.toggle("echec", job.state === "refused" || job.state === "failed");
  const quoi = `${ETAPES_MOIS[job.kind]} ${deMois(job.month)}`;
  let t;
  if (job.state === "running") {
    t = `En cours : ${quoi}, lancé par ${job.user}, depuis ${duree(job.seconds)}`;
    if (job.what && PHASES[job.what] && job.total > 0)
      t += ` — étape ${job.done + 1} sur ${job.total} : ${PHASES[job.what]}`;
    else if (job.what && PHASES[job.what]) t += ` — ${PHASES[job.what]}`;
    else if (job.what && job.total > 0)
      t += ` — écriture de ${job.what} : ${nombre.format(job.done)} sur ${nombre.format(job.total)} opérations`;
    t += ".";
    const barre = $("etape-barre");
    if (job.total > 0) { barre.max = job.total; barre.value = job.done; }
    else barre.removeAttribute("value");
  } else if (job.state === "done") {
    t = `${quoi} : terminé en ${duree(job.seconds)} (par ${job.user}).`;
  } else {
    t = `${quoi} : refusé. ${job.message || ""}`;
  }
  $("etape-texte").textContent = t;
  const occupe = job.state === "running";
  mois_etat.enCours = occupe;
  for (const id of ["btn-apercu", "btn-facturer", "btn-prelever"])
    $(id).disabled = occupe ||
      (id !== "btn-prelever" && mois_etat.facture) ||
      (id === "btn-facturer" && !mois_etat.apercu);
}

// Poll the step until it is over, then show what it changed.
async function suivre() {
  if (mois_etat.suivi) return;
  mois_etat.suivi = true;
  try {
    for (;;) {
      const { job } = await api("GET", "/api/month/job");
      montrerEtape(job);
      if (!job || job.state !== "running") {
        if (job) await etapeFinie(job);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (e) {
    message(e.message, true);
  } finally {
    mois_etat.suivi = false;
  }
}

async function etapeFinie(job) {
  if (job.kind === "preview" && job.state === "done" && job.month === consommation()) {
    mois_etat.apercu = job.result;
    apercu(job.result);
    $("btn-facturer").disabled = mois_etat.facture;
  }
  if (location.hash === "#mois") await moisFichiers();
}

async function lancer(kind, month) {
  message("");
  try {
    const { job } = await api("POST", `/api/month/${kind}`, { month });
    montrerEtape(job);
    suivre();
  } catch (e) {
    message(e.message, true);
  }
}

// ------------------------------------------------------------ aperçu

function evolution(avant, apres) {
  if (!avant) return "—";
  const p = ((apres - avant) * 100) / Math.abs(avant);
  return `${p > 0 ? "+" : ""}${nombre.format(Math.round(p * 10) / 10)} %`;
}

function apercu(r) {
  $("apercu").hidden = false;
  fiche($("apercu-chiffres"), [
    ["Factures", r.already ? `${nombre.format(r.invoices)} (déjà émises)` : nombre.format(r.invoices)],
    ["dont à régler par un autre moyen", nombre.format(r.without_mandate)],
    ["Familles facturées", nombre.format(r.families)],
    ["Montant total", eur(r.total)],
    ["Échéance", date(r.due)],
    ["Lignes de régularisation", nombre.format(r.regularisations)],
    ["Rappels d’impayés", `${nombre.format(r.reminders)} — ${eur(r.reminders_amount)}`],
    ["Factures négatives (avoirs)", `${nombre.format(r.credits)} — ${eur(r.credits_amount)}`],
    ["Lignes sans tarif", nombre.format(r.untariffed)],
  ].map(([k, v]) => [k, String(v)]));
  const tp = $("table-prestations").tBodies[0];
  vider(tp);
  for (const s of r.services)
    tp.appendChild(ligne([s.code,
      { text: `${nombre.format(s.quantity_milli / 1000)} ${UNITES[s.unit] || s.unit}`, cls: "n" },
      montant(s.amount), r.has_previous ? montant(s.previous) : { text: "—", cls: "n" },
      { text: r.has_previous ? evolution(s.previous, s.amount) : "—", cls: "n" }]));
  const tt = $("table-tranches").tBodies[0];
  vider(tt);
  for (const b of r.brackets)
    tt.appendChild(ligne([b.bracket, { text: nombre.format(b.invoices), cls: "n" }, montant(b.amount)]));
  const tg = $("table-grosses").tBodies[0];
  vider(tg);
  for (const i of r.largest) tg.appendChild(ligne([i.number, i.family, i.payer, montant(i.total)]));
}

// ------------------------------------------------------------ le mois

function choisirMois(cycle) {
  mois_etat.cycle = cycle;
  mois_etat.apercu = null;
  $("champ-mois").value = cycle;
  $("apercu").hidden = true;
  $("btn-facturer").disabled = true;
  $("factu-mois").textContent = `des consommations ${deMois(consommation())}`;
  $("prel-mois").textContent = deMois(cycle);
  $("mois-explication").textContent =
    `En ${mois(cycle)} : facturation des consommations ${deMois(consommation())}, puis leur prélèvement.`;
  $("btn-facturer").textContent = `Facturer ${mois(consommation())}`;
  $("btn-prelever").textContent = `Prélever ${mois(cycle)}`;
}

async function pageMois() {
  const d = await api("GET", "/api/dashboard");
  mois_etat.today = d.today;
  mois_etat.bilan = d.balance;
  if (!$("champ-mois").options.length) {
    // the cycle months of the year before the business date, and the next
    const sel = $("champ-mois");
    for (let n = 1; n >= -12; n--) {
      const o = el("option", mois(moisPlus(d.today.slice(0, 7), n)));
      o.value = moisPlus(d.today.slice(0, 7), n);
      sel.appendChild(o);
    }
  }
  if (!mois_etat.cycle) {
    // the oldest month the invoice or collect step still has to run
    // for, at the latest the business date's
    const ouverts = d.next.filter((n) => n.step === "invoice" || n.step === "collect")
      .map((n) => n.month);
    choisirMois([d.today.slice(0, 7), ...ouverts].sort()[0]);
  }
  await moisFichiers();
  const { job } = await api("GET", "/api/month/job");
  montrerEtape(job);
  if (job && job.state === "running") suivre();
  else if (job && job.kind === "preview" && job.state === "done" && job.month === consommation()) {
    mois_etat.apercu = job.result;
    apercu(job.result);
    $("btn-facturer").disabled = false;
  }
}

// What the billed month stands at (the dashboard's balance).
function position() {
  return (mois_etat.bilan || []).find((b) => b.month === consommation());
}

async function moisFichiers() {
  const d = await api("GET", `/api/dashboard`);
  mois_etat.bilan = d.balance;
  const b = position();
  mois_etat.facture = Boolean(b);
  $("factu-etat").textContent = b
    ? `Les consommations ${deMois(consommation())} sont facturées : ${nombre.format(b.invoices)} factures, ${eur(b.billed)}.`
    : "";
  $("factu-etat").hidden = !b;
  if (!mois_etat.enCours) {
    $("btn-apercu").disabled = Boolean(b);
    $("btn-facturer").disabled = Boolean(b) || !mois_etat.apercu;
  }
  $("prel-position").textContent = b
    ? `Consommations ${deMois(consommation())} : ${nombre.format(b.invoices)} factures, ${eur(b.billed)} facturés ; ` +
      `${eur(b.collecting)} en cours de prélèvement, ${eur(b.debit)} prélevés, ${eur(b.other)} payés autrement.`
    : `Les consommations ${deMois(consommation())} ne sont pas encore facturées.`;
  const { files, channel } = await api("GET", `/api/month/files?month=${encodeURIComponent(mois_etat.cycle)}`);
  mois_etat.canal = channel;
  const tb = $("table-fichiers").tBodies[0];
  vider(tb);
  for (const f of files) {
    let lien = "";
    if (etat.role === "finance" && f.size !== null && f.size !== undefined && f.sha256) {
      lien = el("a", "Télécharger");
      lien.href = `/api/month/file?kind=${encodeURIComponent(f.kind)}&id=${encodeURIComponent(f.id)}`;
      lien.setAttribute("download", f.name);
    }
    tb.appendChild(ligne([f.name, NATURES_FICHIER[f.kind] || f.kind, date(f.date),
      { text: taille(f.size), cls: "n" },
      { text: f.count === undefined ? "" : nombre.format(f.count), cls: "n" },
      f.amount === undefined ? "" : montant(f.amount),
      f.size === null ? "plus dans le dépôt" : ETATS_FICHIER[f.state] || f.state,
      { text: f.sha256, cls: "empreinte" }, lien]));
  }
  $("table-fichiers").hidden = files.length === 0;
  $("fichiers-vide").hidden = files.length > 0;
}

async function facturer() {
  const r = mois_etat.apercu;
  if (!r) return;
  const ok = await confirmer(`Facturer ${mois(consommation())}`,
    `${nombre.format(r.invoices)} factures seront émises pour un total de ${eur(r.total)}, ` +
    `échéance le ${date(r.due)} (dont ${nombre.format(r.without_mandate)} à régler par un autre moyen). ` +
    "Les avis d’échéance seront écrits. Une facturation ne se refait pas : vérifiez l’aperçu avant de confirmer.",
    "Facturer");
  if (ok) await lancer("invoice", consommation());
}

async function prelever() {
  const b = position();
  const quoi = b
    ? `Les factures de ${mois(consommation())} (${nombre.format(b.invoices)} factures, ${eur(b.billed)}) ` +
      "dues ce mois-ci et couvertes par un mandat actif seront prélevées"
    : `Les factures dues en ${mois(mois_etat.cycle)} et couvertes par un mandat actif seront prélevées`;
  const ok = await confirmer(`Prélever ${mois(mois_etat.cycle)}`,
    `${quoi} : ` + (mois_etat.canal === "pes"
      ? "le flux PES sera enregistré, écrit et déposé pour le comptable public. Un flux déposé ne se reprend pas."
      : "le fichier de prélèvement (pain.008) sera enregistré, écrit et déposé pour la banque. Un fichier déposé ne se reprend pas."),
    "Prélever");
  if (ok) await lancer("collect", mois_etat.cycle);
}

// ---------------------------------------------------------- paiements

async function pagePaiements() {
  const lecture = etat.role !== "finance";
  $("paiement-lecture").hidden = !lecture;
  if (!$("champ-date").value) {
    const d = await api("GET", "/api/dashboard");
    $("champ-date").value = d.today;
    $("champ-date").max = d.today;
  }
  if (!lecture) $("champ-facture").focus();
}

async function payer(ev) {
  ev.preventDefault();
  message("");
  const corps = {
    invoice: $("champ-facture").value.trim(),
    amount: $("champ-montant").value.trim(),
    date: $("champ-date").value,
    method: $("champ-moyen").value,
    reference: $("champ-reference").value.trim(),
  };
  const moyen = $("champ-moyen").selectedOptions[0].textContent.toLowerCase();
  const ok = await confirmer("Enregistrer le paiement",
    `Paiement par ${moyen} de ${corps.amount} € reçu le ${date(corps.date)} sur la facture ${corps.invoice}.`,
    "Enregistrer");
  if (!ok) return;
  try {
    const r = await api("POST", "/api/payment", corps);
    $("paiement-resultat").hidden = false;
    fiche($("paiement-fiche"), [
      ["Facture", r.invoice],
      ["Montant enregistré", eur(r.amount)],
      ["Payé par d’autres moyens", `${eur(r.paid)} sur ${eur(r.total)}`],
      ["Reste dû", eur(r.due)],
      ["État de la facture", ETATS_FACTURE[r.state] || r.state],
    ]);
    message(`Paiement de ${eur(r.amount)} enregistré sur la facture ${r.invoice}.`);
    $("champ-montant").value = "";
    $("champ-reference").value = "";
  } catch (e) {
    $("paiement-resultat").hidden = true;
    message(e.message, true);
  }
}

// ---------------------------------------------------------- démarrage

VUES.mois = pageMois;
VUES.paiements = pagePaiements;

document.addEventListener("DOMContentLoaded", () => {
  $("champ-mois").addEventListener("change", async () => {
    if (!/^\d{4}-\d{2}$/.test($("champ-mois").value)) return;
    choisirMois($("champ-mois").value);
    try { await moisFichiers(); } catch (e) { message(e.message, true); }
  });
  $("form-mois").addEventListener("submit", (ev) => ev.preventDefault());
  $("btn-apercu").addEventListener("click", () => lancer("preview", consommation()));
  $("btn-facturer").addEventListener("click", facturer);
  $("btn-prelever").addEventListener("click", prelever);
  $("form-paiement").addEventListener("submit", payer);
});
