/*
 * reasons.c - the reason-code table: ISO codes of docs/sepa.md (Reason codes)
 * and others seen in bank files, with labels and policy classes. A code
 * that also occurs on credit transfers has a second wording for them when
 * the first names the debtor, the creditor or a direct debit (a returned
 * transfer concerns the account holder, not a debtor); NULL: the same.
 */
#include <string.h>

#include "sepa/reasons.h"

/* Sorted by code (sepa_reason_find bisects). */
static const sepa_reason reason_table[] = {
    {"AC01", SEPA_REASON_DEAD, "IncorrectAccountNumber",
        "IBAN du débiteur incorrect", "debtor IBAN is wrong", "IBAN incorrect",
        "IBAN is wrong"},
    {"AC03", SEPA_REASON_CREDITOR, "InvalidCreditorAccountNumber",
        "compte du créancier invalide", "creditor account is invalid",
        "compte du bénéficiaire invalide", "beneficiary account is invalid"},
    {"AC04", SEPA_REASON_DEAD, "ClosedAccountNumber",
        "compte du débiteur clôturé", "debtor account is closed",
        "compte clôturé", "account is closed"},
    {"AC06", SEPA_REASON_DEAD, "BlockedAccount",
        "compte bloqué ou fermé aux prélèvements",
        "account blocked, or blocked for direct debits", "compte bloqué",
        "account blocked"},
    {"AC13", SEPA_REASON_DEAD, "InvalidDebtorAccountType",
        "type de compte du débiteur non admis",
        "debtor account type not allowed",
        "type de compte du donneur d'ordre non admis",
        "payer account type not allowed"},
    {"AG01", SEPA_REASON_DEAD, "TransactionForbidden",
        "prélèvement interdit sur ce compte",
        "direct debits are not allowed on this account",
        "opération interdite sur ce compte",
        "transaction not allowed on this account"},
    {"AG02", SEPA_REASON_CREDITOR, "InvalidBankOperationCode",
        "code opération ou format de fichier invalide",
        "invalid operation code or file format", NULL, NULL},
    {"AM04", SEPA_REASON_TRANSIENT, "InsufficientFunds",
        "provision insuffisante", "insufficient funds", NULL, NULL},
    {"AM05", SEPA_REASON_CREDITOR, "Duplication",
        "prélèvement présenté en double", "duplicate collection",
        "paiement présenté en double", "duplicate payment"},
    {"AM10", SEPA_REASON_CREDITOR, "InvalidControlSum",
        "somme de contrôle du fichier erronée",
        "control sum of the file is wrong", NULL, NULL},
    {"BE01", SEPA_REASON_DATA, "InconsistentWithEndCustomer",
        "nom du débiteur différent du titulaire du compte",
        "debtor name does not match the account holder",
        "nom différent du titulaire du compte",
        "name does not match the account holder"},
    {"BE05", SEPA_REASON_CREDITOR, "UnrecognisedInitiatingParty",
        "identifiant créancier (ICS) non reconnu",
        "creditor identifier not recognised", "donneur d'ordre non reconnu",
        "initiating party not recognised"},
    {"CNOR", SEPA_REASON_CREDITOR, "CreditorBankIsNotRegistered",
        "banque du créancier non adhérente au schéma",
        "creditor bank not registered in the scheme",
        "banque du bénéficiaire non adhérente au schéma",
        "beneficiary's bank not registered in the scheme"},
    {"CUST", SEPA_REASON_DISPUTE, "RequestedByCustomer",
        "refus à la demande du débiteur", "refused at the debtor's request",
        "refus à la demande du client", "refused at the customer's request"},
    {"DNOR", SEPA_REASON_DEAD, "DebtorBankIsNotRegistered",
        "banque du débiteur injoignable pour le prélèvement",
        "debtor bank cannot be reached for direct debits",
        "banque du donneur d'ordre injoignable",
        "payer's bank cannot be reached"},
    {"DU01", SEPA_REASON_CREDITOR, "DuplicateMessageID",
        "identifiant de fichier déjà utilisé",
        "message identifier already used", NULL, NULL},
    {"DUPL", SEPA_REASON_CREDITOR, "DuplicatePayment", "paiement en double",
        "duplicate payment", NULL, NULL},
    {"ED05", SEPA_REASON_TRANSIENT, "SettlementFailed",
        "échec du règlement interbancaire", "interbank settlement failed", NULL,
        NULL},
    {"FF01", SEPA_REASON_CREDITOR, "InvalidFileFormat",
        "format de fichier invalide", "invalid file format", NULL, NULL},
    {"FF05", SEPA_REASON_CREDITOR, "InvalidLocalInstrumentCode",
        "type de prélèvement invalide (CORE ou B2B)",
        "invalid direct-debit type (CORE or B2B)",
        "code d'instrument local invalide", "invalid local instrument code"},
    {"FOCR", SEPA_REASON_CREDITOR, "FollowingCancellationRequest",
        "retour suite à notre demande d'annulation",
        "returned after our cancellation request", NULL, NULL},
    {"FRAD", SEPA_REASON_MANUAL, "FraudulentOrigin",
        "origine frauduleuse suspectée", "suspected fraudulent origin", NULL,
        NULL},
    {"MD01", SEPA_REASON_DEAD, "NoMandate", "absence de mandat valide",
        "no valid mandate", NULL, NULL},
    {"MD02", SEPA_REASON_DATA, "MissingMandatoryInformationInMandate",
        "informations du mandat manquantes ou erronées",
        "mandate data missing or wrong", NULL, NULL},
    {"MD06", SEPA_REASON_DISPUTE, "RefundRequestByEndCustomer",
        "remboursement demandé par le débiteur",
        "refund requested by the debtor", "remboursement demandé par le client",
        "refund requested by the customer"},
    {"MD07", SEPA_REASON_DEAD, "EndCustomerDeceased", "débiteur décédé",
        "debtor deceased", "titulaire du compte décédé",
        "account holder deceased"},
    {"MS02", SEPA_REASON_DISPUTE, "NotSpecifiedReasonCustomerGenerated",
        "refus du débiteur sans motif précisé",
        "refused by the debtor, no reason given",
        "refus du client sans motif précisé",
        "refused by the customer, no reason given"},
    {"MS03", SEPA_REASON_TRANSIENT, "NotSpecifiedReasonAgentGenerated",
        "rejet de la banque sans motif précisé",
        "rejected by the bank, no reason given", NULL, NULL},
    {"NARR", SEPA_REASON_MANUAL, "Narrative", "motif donné en texte libre",
        "reason given as free text", NULL, NULL},
    {"RC01", SEPA_REASON_CREDITOR, "BankIdentifierIncorrect", "BIC incorrect",
        "bank identifier (BIC) is wrong", NULL, NULL},
    {"RR01", SEPA_REASON_DATA, "MissingDebtorAccountOrIdentification",
        "compte ou identification du débiteur manquant",
        "debtor account or identification missing",
        "compte ou identification du donneur d'ordre manquant",
        "payer account or identification missing"},
    {"RR02", SEPA_REASON_DATA, "MissingDebtorNameOrAddress",
        "nom ou adresse du débiteur manquant", "debtor name or address missing",
        "nom ou adresse du donneur d'ordre manquant",
        "payer name or address missing"},
    {"RR03", SEPA_REASON_CREDITOR, "MissingCreditorNameOrAddress",
        "nom ou adresse du créancier manquant",
        "creditor name or address missing",
        "nom ou adresse du bénéficiaire manquant",
        "beneficiary name or address missing"},
    {"RR04", SEPA_REASON_MANUAL, "RegulatoryReason", "motif réglementaire",
        "regulatory reason", NULL, NULL},
    {"SL01", SEPA_REASON_DEAD, "SpecificServiceOfferedByDebtorAgent",
        "prélèvement bloqué par une restriction du débiteur",
        "blocked by a restriction the debtor set at the bank",
        "opération bloquée par une restriction du client",
        "blocked by a restriction the customer set at the bank"},
    {"SL11", SEPA_REASON_DEAD, "CreditorNotOnWhitelistOfDebtor",
        "créancier absent de la liste blanche du débiteur",
        "creditor not on the debtor's whitelist",
        "absent de la liste blanche du client",
        "not on the customer's whitelist"},
    {"SL12", SEPA_REASON_DEAD, "CreditorOnBlacklistOfDebtor",
        "créancier sur la liste noire du débiteur",
        "creditor on the debtor's blacklist", "sur la liste noire du client",
        "on the customer's blacklist"},
    {"SL13", SEPA_REASON_DEAD, "MaximumNumberOfDirectDebitTransactionsExceeded",
        "nombre maximal de prélèvements dépassé",
        "maximum number of direct debits exceeded",
        "nombre maximal d'opérations dépassé",
        "maximum number of transactions exceeded"},
    {"SL14", SEPA_REASON_DEAD, "MaximumDirectDebitTransactionAmountExceeded",
        "montant maximal de prélèvement dépassé",
        "maximum direct-debit amount exceeded", "montant maximal dépassé",
        "maximum amount exceeded"},
    {"TECH", SEPA_REASON_TRANSIENT, "TechnicalProblem", "incident technique",
        "technical problem", NULL, NULL},
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

/* The transfer wording when the record is a transfer and there is one. */
static const char *
reason_worded(const char *direct_debit, const char *transfer,
    enum sepa_reason_family family)
{
	return family == SEPA_REASON_TRANSFER && transfer != NULL
	    ? transfer
	    : direct_debit;
}

const char *
sepa_reason_label_fr(const sepa_reason *r, enum sepa_reason_family family)
{
	return r != NULL
	    ? reason_worded(r->label_fr, r->label_fr_transfer, family)
	    : NULL;
}

const char *
sepa_reason_label_en(const sepa_reason *r, enum sepa_reason_family family)
{
	return r != NULL
	    ? reason_worded(r->label_en, r->label_en_transfer, family)
	    : NULL;
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
