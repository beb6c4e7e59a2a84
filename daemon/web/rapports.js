// rapports.js - the Rapports page: the month's report for the finance
// department as `sepactl report --month` makes it. The page computes and
// words nothing of it: it lists the months billed (GET /api/reports),
// shows the server's own HTML page of the report, charts included, in a
// sandboxed frame where no script runs (GET /api/report/html; every value
// there is escaped by report.c), and links its PDF (GET /api/report/pdf).
// Uses the helpers of app.js.
"use strict";

// The month asked for last (YYYY-MM), or "".
let rapportMois = "";

function rapportAdresse(forme, m) {
  return `/api/report/${forme}?month=${encodeURIComponent(m)}`;
}

// The frame loaded: its height is the report's, or the refusal is shown.
function rapportCharge() {
  const cadre = $("rapport-cadre");
  $("rapport-attente").hidden = true;
  let doc = null;
  try { doc = cadre.contentDocument; } catch (e) { doc = null; }
  if (!doc || !doc.body) {
    message("Le rapport n’a pas pu être affiché : rechargez la page.", true);
    return;
  }
  if (doc.contentType === "application/json") {
    let data = {};
    try { data = JSON.parse(doc.body.textContent); } catch (e) { data = {}; }
    cadre.hidden = true;
    message(texteErreur(0, data), true);
    return;
  }
  cadre.style.height = `${doc.documentElement.scrollHeight + 4}px`;
  cadre.dataset.mois = rapportMois;
}

function rapportMontrer(m) {
  rapportMois = m;
  const cadre = $("rapport-cadre");
  delete cadre.dataset.mois;
  $("rapport-attente").hidden = false;
  cadre.hidden = false;
  cadre.src = rapportAdresse("html", m);
  const pdf = $("rapport-pdf");
  pdf.href = rapportAdresse("pdf", m);
  pdf.setAttribute("download", `rapport-${m}.pdf`);
  pdf.removeAttribute("aria-disabled");
  $("rapport-imprimer").disabled = false;
}

VUES.rapports = async (demande) => {
  const d = await api("GET", "/api/reports");
  const choix = $("champ-rapport");
  vider(choix);
  for (const r of d.months) {
    const o = el("option", `${mois(r.month)} (factures de ${mois(r.bills)})`);
    o.value = r.month;
    choix.appendChild(o);
  }
  const vide = d.months.length === 0;
  $("rapports-vide").hidden = !vide;
  $("form-rapport").hidden = vide;
  if (vide) {
    $("rapport-attente").hidden = true;
    $("rapport-cadre").hidden = true;
    return;
  }
  const m = d.months.some((r) => r.month === demande) ? demande : d.months[0].month;
  choix.value = m;
  rapportMontrer(m); // made afresh: the ledger may have moved
};

document.addEventListener("DOMContentLoaded", () => {
  $("rapport-cadre").addEventListener("load", () => {
    if ($("rapport-cadre").getAttribute("src")) rapportCharge();
  });
  $("champ-rapport").addEventListener("change", () => {
    location.hash = `#rapports/${$("champ-rapport").value}`;
  });
  $("form-rapport").addEventListener("submit", (ev) => ev.preventDefault());
  $("rapport-imprimer").addEventListener("click", () => {
    const w = $("rapport-cadre").contentWindow;
    if (w) w.print();
  });
});
