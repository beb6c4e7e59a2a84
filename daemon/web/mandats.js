// mandats.js - the Mandats pages: find a mandate, show it as `sepactl
// mandate show` does (accounts masked), and the changes a family asks for
// by post. The month from which new bank details apply is the server's
// (POST /api/mandate/account-preview, the store's own rule), and so is
// the end of a terminated mandate (POST /api/mandate/terminate-preview),
// each stated before the operator confirms; nothing here computes a rule. A refusal
// is the server's message, in French, naming the field as the form does.
// Uses the helpers of app.js; every value is set with textContent.
"use strict";

const mandat = { rum: null, today: null, apercu: null, fin: null };

const SEQUENCES = { FRST: "premier (FRST)", RCUR: "récurrent (RCUR)" };
const MODIFS = {
  none: "aucune",
  same_bank: "changement de compte dans la même banque",
  other_bank: "changement de banque (SMNDA)",
};
const ETATS_PRELEVEMENT = {
  pending: "en attente", sent: "transmis", settled: "réglé",
  rejected: "rejeté", returned: "retourné", refunded: "remboursé",
  cancelled: "annulé",
};
const MOTIFS_MANDAT = {
  "family letter": "lettre de la famille",
  "revoked by the family": "révoqué par la famille",
};

// "d’octobre 2026", "de novembre 2026"
function duMois(iso) {
  const t = mois(iso);
  return /^[aeiouéè]/.test(t) ? `d’${t}` : `de ${t}`;
}

// ------------------------------------------------------------ recherche

async function chercherMandats(ev) {
  ev.preventDefault();
  message("");
  const t = $("table-mandats-trouves");
  vider(t.tBodies[0]);
  t.hidden = true;
  $("mandats-trouves-vide").hidden = true;
  try {
    const q = $("champ-mandats").value.trim();
    const d = await api("GET", `/api/families?q=${encodeURIComponent(q)}`);
    const avec = d.families.filter((f) => f.rum);
    for (const f of avec) {
      const fam = el("a", f.ref);
      fam.href = `#famille/${encodeURIComponent(f.ref)}`;
      t.tBodies[0].appendChild(ligne([lienMandat(f.rum), wrap(fam), f.payer, f.town,
        ETATS_MANDAT[f.mandate] || f.mandate]));
    }
    t.hidden = avec.length === 0;
    $("mandats-trouves-vide").hidden = avec.length > 0;
  } catch (e) {
    message(e.message, true);
  }
}

// --------------------------------------------------------------- fiche

function etatMandat(m) {
  let t = ETATS_MANDAT[m.state] || m.state;
  if (m.reason) t += ` (${MOTIFS_MANDAT[m.reason] || m.reason})`;
  if (m.since) t += ` depuis le ${date(m.since)}`;
  return t;
}

function comptes(m) {
  const tb = $("table-comptes").tBodies[0];
  vider(tb);
  m.accounts.forEach((a, i) => {
    let modif = "—";
    if (a.carried_by) modif = `transmise avec le prélèvement ${duMois(a.carried_month)}`;
    else if (!a.debited && i + 1 < m.accounts.length) modif = "jamais prélevé";
    else if (a.amendment_required && !a.debited) modif = "à transmettre au prochain prélèvement";
    tb.appendChild(ligne([mois(a.from), a.account || "—", a.bic || "—", date(a.received), modif]));
  });
}

function prelevements(m) {
  const l = m.last;
  fiche($("mandat-dernier"), l ? [
    ["Mois", mois(l.month)],
    ["Échéance", date(l.due)],
    ["Séquence", SEQUENCES[l.sequence] || l.sequence],
    ["Montant", eur(l.amount)],
    ["Compte", l.account],
    ["État", `${ETATS_PRELEVEMENT[l.state] || l.state}${l.reason ? ` (motif ${l.reason})` : ""}`],
  ] : [["", "Aucun prélèvement pour l’instant."]]);
  const n = m.next;
  fiche($("mandat-prochain"), n.none ? [
    ["Mois", mois(n.month)],
    ["", `Pas de prélèvement : ${n.none}`],
  ] : [
    ["Mois", mois(n.month)],
    ["Séquence", SEQUENCES[n.sequence] || n.sequence],
    ["Compte", n.account || "aucun compte pour ce mois"],
    ["Modification à déclarer", MODIFS[n.amendment] || n.amendment],
  ]);
}

async function ouvrirMandat(rum) {
  const m = await api("GET", `/api/mandate?rum=${encodeURIComponent(rum)}`);
  mandat.rum = m.rum;
  mandat.today = m.today;
  $("mandat-titre").textContent = `Mandat ${m.rum} — ${m.payer}`;
  const retour = $("mandat-retour");
  retour.href = `#famille/${encodeURIComponent(m.family)}`;
  retour.textContent = `← Famille ${m.family}`;
  fiche($("mandat-fiche"), [
    ["Famille", `${m.family} — ${m.payer}`],
    ["Signé le", date(m.signed)],
    ["État", etatMandat(m)],
    ["Fin prévue", m.ends ? `le ${date(m.ends)} (dernier jour où il peut être prélevé)` : ""],
    ["Dernière utilisation", date(m.last_use)],
    ["Caduc après le", m.state === "active" || m.state === "suspended" ? date(m.usable_until) : ""],
    [`Rejets de l’année scolaire ${m.school_year}-${m.school_year + 1}`,
      `${m.rejects} sur ${m.max_rejects}`],
  ]);
  comptes(m);
  prelevements(m);
  const fini = m.state === "terminated" || m.state === "lapsed";
  $("mandat-actions").hidden = fini || etat.role !== "finance";
  for (const id of ["cb-recu", "rum-recu", "res-recu"]) $(id).value = m.today;
  for (const id of ["cb-iban", "cb-bic", "cb-envoi", "rum-nouvelle"]) $(id).value = "";
  $("res-immediate").checked = false;
  for (const id of ["cb-apercu", "rum-apercu", "res-apercu"]) $(id).hidden = true;
}

// ------------------------------------------------------- changer de compte

function corpsCompte() {
  const c = { rum: mandat.rum, iban: $("cb-iban").value, received: $("cb-recu").value };
  if ($("cb-bic").value.trim()) c.bic = $("cb-bic").value.trim();
  if ($("cb-envoi").value) c.sent = $("cb-envoi").value;
  return c;
}

// What the store said, in French: from which month's debit, and why.
function phraseMois(p, envoi) {
  const quand = `Demande envoyée le ${date(envoi)}`;
  if (p.month_closed)
    return `${quand}, mais le prélèvement ${duMois(p.closed_month)} est déjà transmis à la banque : ` +
      "le nouveau compte ne vaut qu’à partir du suivant.";
  if (p.after_cutoff)
    return `${quand}, après le ${p.cutoff_day} du mois (date limite du contrat) : ` +
      `trop tard pour le prélèvement ${duMois(envoi)}.`;
  return `${quand}, au plus tard le ${p.cutoff_day} du mois (date limite du contrat) : ` +
    `le nouveau compte vaut dès le prélèvement ${duMois(envoi)}.`;
}

async function verifierCompte(ev) {
  ev.preventDefault();
  message("");
  $("cb-apercu").hidden = true;
  const corps = corpsCompte();
  try {
    const p = await api("POST", "/api/mandate/account-preview", corps);
    mandat.apercu = JSON.stringify(corps);
    $("cb-mois").textContent =
      `Le compte ${p.account} sera prélevé à partir du prélèvement ${duMois(p.applies_from)}.`;
    $("cb-pourquoi").textContent = phraseMois(p, corps.sent || corps.received);
    $("cb-apercu").hidden = false;
  } catch (e) {
    message(e.message, true);
  }
}

async function confirmerCompte() {
  const corps = corpsCompte();
  if (JSON.stringify(corps) !== mandat.apercu) {
    message("Le formulaire a changé depuis la vérification : vérifiez à nouveau.", true);
    $("cb-apercu").hidden = true;
    return;
  }
  try {
    const r = await api("POST", "/api/mandate/change-account", corps);
    await ouvrirMandat(mandat.rum);
    let t = `Nouveau compte ${r.account} enregistré : prélevé à partir du prélèvement ${duMois(r.applies_from)}.`;
    if (r.replaced) t += " Il remplace un changement pas encore prélevé.";
    if (r.reactivated) t += " Le mandat, qui était suspendu, est de nouveau actif.";
    message(t);
  } catch (e) {
    message(e.message, true);
  }
}

// ---------------------------------------------------------- changer la RUM

function demanderRum(ev) {
  ev.preventDefault();
  message("");
  $("rum-question").textContent =
    `Le mandat ${mandat.rum} prendra la RUM ${$("rum-nouvelle").value.trim()} ; ` +
    "l’ancienne ne pourra plus jamais servir. Confirmez-vous ?";
  $("rum-apercu").hidden = false;
}

async function confirmerRum() {
  try {
    const r = await api("POST", "/api/mandate/change-rum", {
      rum: mandat.rum, new_rum: $("rum-nouvelle").value.trim(), received: $("rum-recu").value,
    });
    location.hash = `#mandat/${encodeURIComponent(r.new_rum)}`;
    message(`Le mandat ${r.old_rum} s’appelle désormais ${r.new_rum}. ` + (r.presented
      ? "Son prochain prélèvement déclarera l’ancienne RUM à la banque, une fois."
      : "Jamais présenté à la banque : rien à lui déclarer."));
  } catch (e) {
    message(e.message, true);
  }
}

// -------------------------------------------------------------- résilier

function corpsResiliation() {
  return { rum: mandat.rum, received: $("res-recu").value, immediate: $("res-immediate").checked };
}

// The end the store would record (POST /api/mandate/terminate-preview, a
// rolled-back run of the termination itself), in French: the last day the
// mandate may be collected, now or scheduled, and the contract's reason.
function phraseFin(p) {
  if (p.terminated_now && p.immediate)
    return `Le mandat ${p.rum} sera résilié aujourd’hui : dernier jour où il peut être prélevé, ` +
      `le ${date(p.ends)}. Aucun prélèvement de plus.`;
  if (p.terminated_now)
    return `Le mandat ${p.rum} sera résilié dès maintenant : son dernier jour de prélèvement, ` +
      `le ${date(p.ends)}, est passé.`;
  if (p.kept_earlier)
    return `Le mandat ${p.rum} prend déjà fin le ${date(p.ends)} : cette lettre ne repousse pas ` +
      "cette date, qui est conservée.";
  return `Le mandat ${p.rum} prendra fin le ${date(p.ends)}, dernier jour où il peut être prélevé ; ` +
    "il reste prélevé jusque-là.";
}

function raisonFin(p) {
  if (p.immediate)
    return `Révocation immédiate reçue le ${date(p.received)} (la famille a révoqué le mandat auprès de sa banque).`;
  const limite = `le ${date(p.deadline)} (date limite du contrat)`;
  return p.in_time
    ? `Lettre reçue le ${date(p.received)}, avant ${limite} : le mandat finit avec l’année scolaire en cours.`
    : `Lettre reçue le ${date(p.received)}, pas avant ${limite} : trop tard pour l’année scolaire en cours, ` +
      "le mandat court jusqu’à la fin de la suivante.";
}

async function demanderResiliation(ev) {
  ev.preventDefault();
  message("");
  $("res-apercu").hidden = true;
  const corps = corpsResiliation();
  try {
    const p = await api("POST", "/api/mandate/terminate-preview", corps);
    mandat.fin = JSON.stringify(corps);
    $("res-question").textContent = `${phraseFin(p)} Confirmez-vous ?`;
    $("res-pourquoi").textContent = raisonFin(p);
    $("res-apercu").hidden = false;
  } catch (e) {
    message(e.message, true);
  }
}

async function confirmerResiliation() {
  const corps = corpsResiliation();
  if (JSON.stringify(corps) !== mandat.fin) {
    message("Le formulaire a changé depuis la vérification : vérifiez à nouveau.", true);
    $("res-apercu").hidden = true;
    return;
  }
  try {
    const r = await api("POST", "/api/mandate/terminate", corps);
    await ouvrirMandat(mandat.rum);
    if (r.terminated_now) message(`Mandat ${r.rum} résilié ; dernier jour : ${date(r.ends)}.`);
    else if (r.kept_earlier) message(`Le mandat ${r.rum} finit déjà le ${date(r.ends)} : date conservée.`);
    else message(`Le mandat ${r.rum} prendra fin le ${date(r.ends)} ; il est prélevé jusque-là.`);
  } catch (e) {
    message(e.message, true);
  }
}

// ------------------------------------------------------------ démarrage

VUES.mandats = async () => $("champ-mandats").focus();
VUES.mandat = ouvrirMandat;

document.addEventListener("DOMContentLoaded", () => {
  $("form-mandats").addEventListener("submit", chercherMandats);
  $("form-compte").addEventListener("submit", verifierCompte);
  $("cb-confirmer").addEventListener("click", confirmerCompte);
  $("cb-annuler").addEventListener("click", () => { $("cb-apercu").hidden = true; });
  for (const id of ["cb-iban", "cb-bic", "cb-envoi", "cb-recu"])
    $(id).addEventListener("input", () => { $("cb-apercu").hidden = true; });
  $("form-rum").addEventListener("submit", demanderRum);
  $("rum-confirmer").addEventListener("click", confirmerRum);
  $("rum-annuler").addEventListener("click", () => { $("rum-apercu").hidden = true; });
  $("form-resiliation").addEventListener("submit", demanderResiliation);
  $("res-confirmer").addEventListener("click", confirmerResiliation);
  $("res-annuler").addEventListener("click", () => { $("res-apercu").hidden = true; });
  for (const id of ["res-recu", "res-immediate"])
    $(id).addEventListener("input", () => { $("res-apercu").hidden = true; });
});
