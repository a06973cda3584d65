/* main.c -- the parscore command line (placeholder while the core lands). */
#include <stdio.h>
int main(void) { puts("parscore " "0.1.0"); return 0; }
