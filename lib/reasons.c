/*
 * reasons.c - the reason-code table: ISO codes of docs/sepa.md (Reason codes)
 * and others seen in bank files, with labels and policy classes.
 */
#include <string.h>

#include "sepa/reasons.h"

/* Sorted by code (sepa_reason_find bisects). */
static const sepa_reason reason_table[] = {
    {"AC01", SEPA_REASON_DEAD, "IncorrectAccountNumber",
        "IBAN du débiteur incorrect", "debtor IBAN is wrong"},
    {"AC03", SEPA_REASON_CREDITOR, "InvalidCreditorAccountNumber",
        "compte du créancier invalide", "creditor account is invalid"},
    {"AC04", SEPA_REASON_DEAD, "ClosedAccountNumber",
        "compte du débiteur clôturé", "debtor account is closed"},
    {"AC06", SEPA_REASON_DEAD, "BlockedAccount",
        "compte bloqué ou fermé aux prélèvements",
        "account blocked, or blocked for direct debits"},
    {"AC13", SEPA_REASON_DEAD, "InvalidDebtorAccountType",
        "type de compte du débiteur non admis",
        "debtor account type not allowed"},
    {"AG01", SEPA_REASON_DEAD, "TransactionForbidden",
        "prélèvement interdit sur ce compte",
        "direct debits are not allowed on this account"},
    {"AG02", SEPA_REASON_CREDITOR, "InvalidBankOperationCode",
        "code opération ou format de fichier invalide",
        "invalid operation code or file format"},
    {"AM04", SEPA_REASON_TRANSIENT, "InsufficientFunds",
        "provision insuffisante", "insufficient funds"},
    {"AM05", SEPA_REASON_CREDITOR, "Duplication",
        "prélèvement présenté en double", "duplicate collection"},
    {"AM10", SEPA_REASON_CREDITOR, "InvalidControlSum",
        "somme de contrôle du fichier erronée",
        "control sum of the file is wrong"},
    {"BE01", SEPA_REASON_DATA, "InconsistentWithEndCustomer",
        "nom du débiteur différent du titulaire du compte",
        "debtor name does not match the account holder"},
    {"BE05", SEPA_REASON_CREDITOR, "UnrecognisedInitiatingParty",
        "identifiant créancier (ICS) non reconnu",
        "creditor identifier not recognised"},
    {"CNOR", SEPA_REASON_CREDITOR, "CreditorBankIsNotRegistered",
        "banque du créancier non adhérente au schéma",
        "creditor bank not registered in the scheme"},
    {"CUST", SEPA_REASON_DISPUTE, "RequestedByCustomer",
        "refus à la demande du débiteur", "refused at the debtor's request"},
    {"DNOR", SEPA_REASON_DEAD, "DebtorBankIsNotRegistered",
        "banque du débiteur injoignable pour le prélèvement",
        "debtor bank cannot be reached for direct debits"},
    {"DU01", SEPA_REASON_CREDITOR, "DuplicateMessageID",
        "identifiant de fichier déjà utilisé",
        "message identifier already used"},
    {"DUPL", SEPA_REASON_CREDITOR, "DuplicatePayment", "paiement en double",
        "duplicate payment"},
    {"ED05", SEPA_REASON_TRANSIENT, "SettlementFailed",
        "échec du règlement interbancaire", "interbank settlement failed"},
    {"FF01", SEPA_REASON_CREDITOR, "InvalidFileFormat",
        "format de fichier invalide", "invalid file format"},
    {"FF05", SEPA_REASON_CREDITOR, "InvalidLocalInstrumentCode",
        "type de prélèvement invalide (CORE ou B2B)",
        "invalid direct-debit type (CORE or B2B)"},
    {"FOCR", SEPA_REASON_CREDITOR, "FollowingCancellationRequest",
        "retour suite à notre demande d'annulation",
        "returned after our cancellation request"},
    {"FRAD", SEPA_REASON_MANUAL, "FraudulentOrigin",
        "origine frauduleuse suspectée", "suspected fraudulent origin"},
    {"MD01", SEPA_REASON_DEAD, "NoMandate", "absence de mandat valide",
        "no valid mandate"},
    {"MD02", SEPA_REASON_DATA, "MissingMandatoryInformationInMandate",
        "informations du mandat manquantes ou erronées",
        "mandate data missing or wrong"},
    {"MD06", SEPA_REASON_DISPUTE, "RefundRequestByEndCustomer",
        "remboursement demandé par le débiteur",
        "refund requested by the debtor"},
    {"MD07", SEPA_REASON_DEAD, "EndCustomerDeceased", "débiteur décédé",
        "debtor deceased"},
    {"MS02", SEPA_REASON_DISPUTE, "NotSpecifiedReasonCustomerGenerated",
        "refus du débiteur sans motif précisé",
        "refused by the debtor, no reason given"},
    {"MS03", SEPA_REASON_TRANSIENT, "NotSpecifiedReasonAgentGenerated",
        "rejet de la banque sans motif précisé",
        "rejected by the bank, no reason given"},
    {"NARR", SEPA_REASON_MANUAL, "Narrative", "motif donné en texte libre",
        "reason given as free text"},
    {"RC01", SEPA_REASON_CREDITOR, "BankIdentifierIncorrect", "BIC incorrect",
        "bank identifier (BIC) is wrong"},
    {"RR01", SEPA_REASON_DATA, "MissingDebtorAccountOrIdentification",
        "compte ou identification du débiteur manquant",
        "debtor account or identification missing"},
    {"RR02", SEPA_REASON_DATA, "MissingDebtorNameOrAddress",
        "nom ou adresse du débiteur manquant",
        "debtor name or address missing"},
    {"RR03", SEPA_REASON_CREDITOR, "MissingCreditorNameOrAddress",
        "nom ou adresse du créancier manquant",
        "creditor name or address missing"},
    {"RR04", SEPA_REASON_MANUAL, "RegulatoryReason", "motif réglementaire",
        "regulatory reason"},
    {"SL01", SEPA_REASON_DEAD, "SpecificServiceOfferedByDebtorAgent",
        "prélèvement bloqué par une restriction du débiteur",
        "blocked by a restriction the debtor set at the bank"},
    {"SL11", SEPA_REASON_DEAD, "CreditorNotOnWhitelistOfDebtor",
        "créancier absent de la liste blanche du débiteur",
        "creditor not on the debtor's whitelist"},
    {"SL12", SEPA_REASON_DEAD, "CreditorOnBlacklistOfDebtor",
        "créancier sur la liste noire du débiteur",
        "creditor on the debtor's blacklist"},
    {"SL13", SEPA_REASON_DEAD, "MaximumNumberOfDirectDebitTransactionsExceeded",
        "nombre maximal de prélèvements dépassé",
        "maximum number of direct debits exceeded"},
    {"SL14", SEPA_REASON_DEAD, "MaximumDirectDebitTransactionAmountExceeded",
        "montant maximal de prélèvement dépassé",
        "maximum direct-debit amount exceeded"},
    {"TECH", SEPA_REASON_TRANSIENT, "TechnicalProblem", "incident technique",
        "technical problem"},
};

#define REASON_COUNT (sizeof(reason_table) / sizeof(reason_table[0]))

const sepa_reason *
sepa_reason_find(const char *code)
{
	size_t lo = 0;
	size_t hi = REASON_COUNT;

	if (code == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(code, reason_table[mid].code);

		if (cmp == 0)
			return &reason_table[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const sepa_reason *
sepa_reason_table(size_t *count)
{
	if (count != NULL)
		*count = REASON_COUNT;
	return reason_table;
}

const char *
sepa_reason_class_name(enum sepa_reason_class cls)
{
	switch (cls) {
	case SEPA_REASON_UNKNOWN:
		return "unknown";
	case SEPA_REASON_DEAD:
		return "dead";
	case SEPA_REASON_TRANSIENT:
		return "transient";
	case SEPA_REASON_DISPUTE:
		return "dispute";
	case SEPA_REASON_CREDITOR:
		return "creditor";
	case SEPA_REASON_DATA:
		return "data";
	case SEPA_REASON_MANUAL:
		return "manual";
	}
	return "unknown";
}

int
sepa_reason_class_counts(enum sepa_reason_class cls)
{
	return cls != SEPA_REASON_CREDITOR;
}
