/*
 * sepad.h - transitional umbrella over the daemon's module headers; the
 * files include the headers they use instead.
 */
#ifndef SEPAD_H
#define SEPAD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "log.h"
#include "config.h"
#include "db.h"
#include "db_internal.h"
#include "pgcluster.h"
#include "afile.h"
#include "csvout.h"
#include "notify.h"
#include "store_schema.h"
#include "store_creditor.h"
#include "store_event.h"
#include "store_returns.h"
#include "store_quarantine.h"
#include "store_recovery.h"
#include "store_report.h"
#include "store_collect.h"
#include "store_mandate.h"
#include "store_cycle.h"
#include "store_import.h"
#include "store_invoice.h"
#include "store_payment.h"
#include "store_status.h"
#include "notice.h"
#include "ctl.h"
#include "commands.h"
#include "sepa/sepa.h"

#endif /* SEPAD_H */
