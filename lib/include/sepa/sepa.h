/*
 * sepa.h - umbrella header of libsepa, the domain library of sepad.
 * libsepa never logs, exits, reads configuration or keeps globals.
 */
#ifndef SEPA_SEPA_H
#define SEPA_SEPA_H

#include "sepa/error.h"
#include "sepa/io.h"
#include "sepa/digest.h"
#include "sepa/date.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/text.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "sepa/csv.h"
#include "sepa/bankfile.h"
#include "sepa/reasons.h"
#include "sepa/caf.h"
#include "sepa/pes.h"

#endif /* SEPA_SEPA_H */
