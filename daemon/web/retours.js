// retours.js - the Retours bancaires page: a bank file sent to the server
// as it is (POST /api/returns/upload), imported there by the same
// function as `sepactl import returns`, its result shown in French; and
// the quarantine, applied or dismissed as by `sepactl quarantine`.
// Uses the helpers of app.js; every value is set with textContent.
"use strict";

const NATURES_RETOUR = {
  reject: "rejet", return: "retour", refund: "remboursement",
  reversal: "annulation", confirmation: "confirmation", info: "information",
};
const NIVEAUX = { group: "du fichier", block: "d’un lot", transaction: "d’une opération" };

function pluriel(n, un, plusieurs) {
  return `${n} ${n > 1 ? plusieurs : un}`;
}

// ---------------------------------------------------------------- envoi

async function envoyerFichier(fichier) {
  const rep = await fetch("/api/returns/upload", {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/octet-stream",
      "X-File-Name": encodeURIComponent(fichier.name),
      "X-CSRF-Token": etat.csrf || "",
    },
    body: fichier,
  });
  let data = {};
  try { data = await rep.json(); } catch (e) { data = {}; }
  if (rep.status === 401) {
    sortir();
    throw new Error("Votre session a pris fin : reconnectez-vous.");
  }
  return { ok: rep.ok, status: rep.status, data };
}

function resultat(titre, erreur, lignes) {
  $("retour-titre").textContent = titre;
  $("retour-resultat").classList.toggle("refus", erreur);
  const ul = $("retour-details");
  vider(ul);
  for (const l of lignes) ul.appendChild(el("li", l));
  $("retour-resultat").hidden = false;
}

// "1 appliqué, 1 en quarantaine": the counts that are not zero
function compte(parties) {
  return parties.filter(([n]) => n > 0).map(([n, un, plusieurs]) => pluriel(n, un, plusieurs)).join(", ");
}

function resultatImport(d, nom) {
  if (d.already) {
    resultat(`Le fichier ${nom} a déjà été importé : rien n’a changé.`, false, []);
    return;
  }
  const lignes = [
    `${pluriel(d.records, "enregistrement lu", "enregistrements lus")}` + (d.records ? " : " + compte([
      [d.applied, "appliqué", "appliqués"], [d.duplicates, "déjà connu", "déjà connus"],
      [d.stored, "conservé sans effet", "conservés sans effet"],
      [d.quarantined, "en quarantaine", "en quarantaine"]]) : ""),
    d.collections ? `${pluriel(d.collections, "prélèvement a changé", "prélèvements ont changé")} d’état`
      : "Aucun prélèvement n’a changé d’état",
    compte([[d.terminated, "mandat résilié (rejets répétés)", "mandats résiliés (rejets répétés)"],
      [d.suspended, "mandat suspendu (compte clos)", "mandats suspendus (compte clos)"]])
      || "Aucun mandat résilié ni suspendu",
  ];
  if (d.quarantined > 0) lignes.push("Voyez la quarantaine ci-dessous.");
  if (!d.letters_written) lignes.push("Les lettres de rejet n’ont pas pu être écrites : voyez le journal.");
  if (d.archived_as) lignes.push(`Fichier archivé sous le nom ${d.archived_as}.`);
  resultat(`Fichier ${nom} (${d.type}) importé.`, false, lignes);
}

async function importer(ev) {
  ev.preventDefault();
  message("");
  $("retour-resultat").hidden = true;
  const fichier = $("retour-fichier").files[0];
  if (!fichier) return;
  try {
    const r = await envoyerFichier(fichier);
    if (r.ok) resultatImport(r.data, fichier.name);
    else if (r.data.error === "refused")
      resultat(`Fichier ${fichier.name} refusé : rien n’a été enregistré.`, true, [
        `Motif : ${r.data.message}`,
        r.data.rejected_as
          ? `Il est conservé dans le dossier des fichiers refusés (rejected/) sous le nom ${r.data.rejected_as}, ` +
            `avec son rapport ${r.data.rejected_as}.errors.txt.`
          : "Le fichier n’a pas été conservé.",
      ]);
    else if (r.data.error === "too_large")
      resultat(`Fichier ${fichier.name} refusé : trop volumineux, rien n’a été enregistré.`, true,
        [r.data.message]);
    else resultat(`Fichier ${fichier.name} non importé.`, true, [texteErreur(r.status, r.data)]);
    $("retour-fichier").value = "";
    nomFichier();
    await quarantaine();
  } catch (e) {
    message(e.message, true);
  }
}

// ----------------------------------------------------------- quarantaine

function actionsQuarantaine(q) {
  const td = document.createElement("td");
  td.colSpan = 9;
  const zone = el("div", null, "actions-ligne");
  td.appendChild(zone);
  const e2e = el("input");
  e2e.placeholder = "EndToEndId du prélèvement";
  e2e.maxLength = 35;
  e2e.className = "e2e";
  e2e.setAttribute("aria-label", `Prélèvement auquel appliquer l’enregistrement ${q.id}`);
  const appliquer = el("button", "Appliquer");
  appliquer.type = "button";
  appliquer.addEventListener("click", () => appliquerQ(q, e2e.value.trim()));
  const note = el("input");
  note.placeholder = "Pourquoi l’écarter";
  note.maxLength = 500;
  note.className = "note";
  note.setAttribute("aria-label", `Pourquoi écarter l’enregistrement ${q.id}`);
  const ecarter = el("button", "Écarter", "secondaire");
  ecarter.type = "button";
  ecarter.addEventListener("click", () => ecarterQ(q, note.value.trim()));
  for (const n of [e2e, appliquer, note, ecarter]) zone.appendChild(n);
  const tr = document.createElement("tr");
  tr.className = "sous-ligne finance";
  tr.appendChild(td);
  return tr;
}

async function quarantaine() {
  const tout = $("quarantaine-tout").checked;
  const d = await api("GET", `/api/quarantine${tout ? "?all=1" : ""}`);
  const tb = $("table-quarantaine").tBodies[0];
  vider(tb);
  let ouverts = 0;
  for (const q of d.records) {
    const motif = q.reason ? `${q.reason} — ${q.reason_label || ""}` : "—";
    const pourquoi = q.resolved_on
      ? `${q.why}\nTraité le ${date(q.resolved_on)} : ${q.resolution}` : q.why;
    tb.appendChild(ligne([String(q.id), `${q.file}, ligne ${q.line}`,
      `${NATURES_RETOUR[q.kind] || q.kind} ${NIVEAUX[q.level] || q.level}`,
      q.end_to_end || "—", q.mandate || "—",
      q.amount === null ? { text: "—", cls: "n" } : montant(q.amount),
      q.booked ? date(q.booked) : "—", motif, pourquoi]));
    if (!q.resolved_on) {
      ouverts++;
      if (etat.role === "finance") tb.appendChild(actionsQuarantaine(q));
    }
  }
  $("nb-quarantaine").textContent = ouverts ? String(ouverts) : "";
  $("table-quarantaine").hidden = d.records.length === 0;
  $("quarantaine-vide").hidden = d.records.length > 0;
}

async function appliquerQ(q, e2e) {
  if (!e2e) {
    message("Indiquez la référence de bout en bout (EndToEndId) du prélèvement.", true);
    return;
  }
  $("retour-resultat").hidden = true;
  try {
    const r = await api("POST", "/api/quarantine/apply", { id: q.id, end_to_end: e2e });
    await quarantaine();
    let t = `Enregistrement ${r.id} appliqué au prélèvement ${r.end_to_end} (facture ${r.invoice}) : ` +
      `${ETATS_PRELEVEMENT[r.state] || r.state}.`;
    if (r.counted) t += " Rejet compté pour l’année scolaire.";
    if (r.terminated) t += ` ${pluriel(r.terminated, "mandat résilié", "mandats résiliés")}.`;
    if (r.suspended) t += ` ${pluriel(r.suspended, "mandat suspendu", "mandats suspendus")}.`;
    message(t);
  } catch (e) {
    message(e.message, true);
  }
}

async function ecarterQ(q, why) {
  if (!why) {
    message("Écrivez d’abord pourquoi cet enregistrement est écarté.", true);
    return;
  }
  $("retour-resultat").hidden = true;
  try {
    await api("POST", "/api/quarantine/dismiss", { id: q.id, why });
    await quarantaine();
    message(`Enregistrement ${q.id} écarté.`);
  } catch (e) {
    message(e.message, true);
  }
}

// ------------------------------------------------------------ démarrage

VUES.retours = async () => {
  $("retour-resultat").hidden = true;
  await quarantaine();
};

function nomFichier() {
  const f = $("retour-fichier").files[0];
  $("retour-nom").textContent = f ? f.name : "Aucun fichier choisi";
  $("retour-nom").classList.toggle("vide", !f);
}

document.addEventListener("DOMContentLoaded", () => {
  $("form-retour").addEventListener("submit", importer);
  $("retour-fichier").addEventListener("change", nomFichier);
  $("quarantaine-tout").addEventListener("change", () => quarantaine().catch((e) => message(e.message, true)));
});
