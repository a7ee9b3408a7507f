/* cgi.c: a COMMAND module (_start) following spec §7. Prints
 *   Status: 201 Created / Content-Type: text/plain / blank line (CRLF ends),
 * then one "NAME=value" line for REQUEST_METHOD, PATH_INFO, QUERY_STRING and
 * SANDKIT_DATABASE_ENGINE (empty if unset), then every SANDKIT_PARAM_*
 * variable sorted by name, then
 * the body read from stdin, verbatim. E.g. POST /cgi/x?a=1 with body "hi":
 *   REQUEST_METHOD=POST\nPATH_INFO=/cgi/x\nQUERY_STRING=a=1\nSANDKIT_DATABASE_ENGINE=sqlite\nhi
 * Paths ending in /exit -> headers, then exit(3): must be a 500.
 * Paths ending in /noblank -> a header line and no blank line: must be a 500. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void var(const char *name) {
	const char *v = getenv(name);
	printf("%s=%s\n", name, v ? v : "");
}

int main(void) {
	const char *path = getenv("PATH_INFO");
	size_t pl = path ? strlen(path) : 0;
	if (pl >= 8 && strcmp(path + pl - 8, "/noblank") == 0) {
		printf("Content-Type: text/plain\n");
		return 0;
	}
	printf("Status: 201 Created\r\nContent-Type: text/plain\r\n\r\n");
	if (pl >= 5 && strcmp(path + pl - 5, "/exit") == 0) {
		fflush(stdout);
		exit(3);
	}
	var("REQUEST_METHOD");
	var("PATH_INFO");
	var("QUERY_STRING");
	var("SANDKIT_DATABASE_ENGINE");
	char *params[64];
	size_t n = 0;
	for (char **e = environ; *e != NULL && n < 64; e++)
		if (strncmp(*e, "SANDKIT_PARAM_", 14) == 0)
			params[n++] = *e;
	qsort(params, n, sizeof params[0], cmp);
	for (size_t i = 0; i < n; i++)
		printf("%s\n", params[i]);
	char buf[4096];
	for (size_t r; (r = fread(buf, 1, sizeof buf, stdin)) > 0;)
		fwrite(buf, 1, r, stdout);
	return 0;
}
