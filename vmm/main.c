// SPDX-License-Identifier: MIT
/* synvmm's entry point: the only place that exits. */
#include "cli.h"
#include "exit_codes.h"
#include "info.h"
#include "machine.h"

#include <stdio.h>

#ifndef SYNVMM_VERSION
#define SYNVMM_VERSION "unknown"
#endif

static int run_guest(const struct vmm_config *cfg)
{
	struct machine m;
	char err[512];
	int code;

	if (cfg->verbose) {
		char cmd[4096];

		cli_format_command(cfg, cmd, sizeof(cmd));
		fprintf(stderr, "synvmm: %s\n", cmd);
	}
	code = machine_start(&m, cfg, err, sizeof(err));
	if (code) {
		fprintf(stderr, "synvmm: %s%s\n", code == EXIT_SKIP ? "skip: " : "", err);
		return code;
	}
	code = machine_wait(&m);
	machine_destroy(&m);
	return code;
}

int main(int argc, char **argv)
{
	struct vmm_config cfg;
	char err[512];

	if (cli_parse(argc, argv, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "synvmm: %s (try 'synvmm --help')\n", err);
		return EXIT_USAGE;
	}
	switch (cfg.command) {
	case CMD_HELP:
		fputs(cli_usage(), stdout);
		return 0;
	case CMD_VERSION:
		printf("synvmm %s\n", SYNVMM_VERSION);
		return 0;
	case CMD_INFO:
		return info_print(stdout, cfg.kvm_path);
	case CMD_RUN:
		break;
	}
	return run_guest(&cfg);
}
