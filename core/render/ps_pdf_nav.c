/*
 * ps_pdf_nav.c -- navigation inside and between the PDFs of one run:
 * bookmarks (the outline panel of a viewer) and links from the summary to
 * each unit's scorecard lying beside it in the output directory.
 */
#include "render/ps_pdf.h"

#include <hpdf_objects.h>

void *ps_pdf_bookmark(ps_pdf *pdf, void *parent, const char *title, double y) {
    if (!pdf->page || pdf->failed) return NULL;
    HPDF_Encoder enc = HPDF_GetEncoder(pdf->doc, "UTF-8");
    HPDF_Outline o = HPDF_CreateOutline(pdf->doc, (HPDF_Outline)parent,
                                        ps_pdf_nfc(pdf, title), enc);
    if (!o) return NULL;
    HPDF_SetPageMode(pdf->doc, HPDF_PAGE_MODE_USE_OUTLINE);   /* viewers open the panel */
    HPDF_Destination d = HPDF_Page_CreateDestination(pdf->page);
    if (d) {
        /* libharu refuses XYZ with zoom 0 ("keep"): fit the width at y */
        HPDF_Destination_SetFitH(d, (HPDF_REAL)(pdf->L->page_h - y));
        HPDF_Outline_SetDestination(o, d);
    }
    return o;
}

void ps_pdf_bookmark_open(void *outline, int open) {
    if (outline) HPDF_Outline_SetOpened((HPDF_Outline)outline, open ? HPDF_TRUE : HPDF_FALSE);
}

/* A "go to another file" (GoToR) action: libharu only makes URI and
 * in-document links, so the URI link's action is replaced by one naming
 * the file.  A file specification without a folder is relative to the PDF
 * holding it (PDF 1.7, 7.11.2): the link keeps working when the output
 * directory is copied or mailed as a whole. */
void ps_pdf_link_file(ps_pdf *pdf, double x, double y, double w, double h, const char *file) {
    if (!pdf->page || pdf->failed || !file || !*file) return;
    double H = pdf->L->page_h;
    HPDF_Rect rect = {(HPDF_REAL)x, (HPDF_REAL)(H - y - h), (HPDF_REAL)(x + w), (HPDF_REAL)(H - y)};
    HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(pdf->page, rect, file);
    if (!a) return;
    HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
    HPDF_MMgr mmgr = a->mmgr;
    HPDF_Dict act = HPDF_Dict_New(mmgr);
    HPDF_Array dest = HPDF_Array_New(mmgr);
    if (!act || !dest) return;
    HPDF_Dict_AddName(act, "Type", "Action");
    HPDF_Dict_AddName(act, "S", "GoToR");
    HPDF_Dict_Add(act, "F", HPDF_String_New(mmgr, file, NULL));
    HPDF_Array_AddNumber(dest, 0);           /* the first page, whole */
    HPDF_Array_AddName(dest, "Fit");
    HPDF_Dict_Add(act, "D", dest);
    HPDF_Dict_Add(a, "A", act);
}
