/* cmd_memory.c: mem-set and mem-max. */
#include "cli.h"

/* DOMAIN SIZE -> {"domains": [DOMAIN], "kb": N} */
static int memory_command(struct cli *cli, int argc, char **argv)
{
    const char *size;
    yajl_gen g = cli_domain_and_value(cli, argc, argv, &size);
    uint64_t kb;

    if (!g)
        return 2;
    if (xlt_mem_size_kb(size, &kb)) {
        cli_fail(cli, "`%s' is not a memory size (a number with an optional "
                 "unit b, k, m, g or t; m if none)", size);
        yajl_gen_free(g);
        return 2;
    }
    xlt_json_kv_uint(g, "kb", kb);
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}

int cmd_mem_set(struct cli *cli, int argc, char **argv)
{
    return memory_command(cli, argc, argv);
}

int cmd_mem_max(struct cli *cli, int argc, char **argv)
{
    return memory_command(cli, argc, argv);
}
