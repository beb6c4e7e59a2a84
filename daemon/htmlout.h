/*
 * htmlout.h - text into the HTML pages sepactl writes (htmlout.c).
 */
#ifndef SEPAD_HTMLOUT_H
#define SEPAD_HTMLOUT_H

#include <stdio.h>

/* Write s as HTML element content or attribute value: & < > " ' escaped. */
void htmlout_text(FILE *fp, const char *s);

#endif /* SEPAD_HTMLOUT_H */
