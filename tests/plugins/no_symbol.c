/* no_symbol.c -- a shared object without parscore_plugin(): must be refused. */
int not_a_parscore_plugin(void);
int not_a_parscore_plugin(void) { return 42; }
