/*
 * A null milter: the floor any milter pays in front of Postfix. It is built on Sendmail's
 * libmilter (the library most milters use), registers the callbacks the protective-marking
 * milter uses (envelope sender, recipients, headers, body, end of message), does nothing in
 * them, and negotiates the same steps: not sent (SMFIP_NO*) for what it does not use, not
 * answered (SMFIP_NR_*) for all but the end of the message. So Postfix does for it exactly
 * the milter-protocol work it does for protective-marking-milter, and the difference
 * between the two is the crate's own cost (the check, and its serve loop).
 *
 * Used by scripts/milter-load.sh with MILTER=null (it builds this file with
 * gcc -O2 ... -lmilter; scripts/setup.sh --bench installs libmilter-dev):
 *   null-milter inet:PORT@127.0.0.1 | local:/path/to/socket
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <sys/stat.h>

static sfsistat negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                          unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                          unsigned long *pf2, unsigned long *pf3) {
  (void)ctx; (void)f2; (void)f3;
  const unsigned long want =
      SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH |
      SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_DATA |
      SMFIP_NR_UNKN | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY | SMFIP_HDR_LEADSPC;
  *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
  *pf1 = f1 & want;
  *pf2 = 0;
  *pf3 = 0;
  return SMFIS_CONTINUE;
}

static sfsistat envelope(SMFICTX *ctx, char **argv) { (void)ctx; (void)argv; return SMFIS_CONTINUE; }
static sfsistat header(SMFICTX *ctx, char *name, char *value) {
  (void)ctx; (void)name; (void)value;
  return SMFIS_CONTINUE;
}
static sfsistat body(SMFICTX *ctx, unsigned char *chunk, size_t len) {
  (void)ctx; (void)chunk; (void)len;
  return SMFIS_CONTINUE;
}
static sfsistat end_of_message(SMFICTX *ctx) { (void)ctx; return SMFIS_CONTINUE; }

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s inet:PORT@HOST | local:PATH\n", argv[0]);
    return 2;
  }
  struct smfiDesc desc = {
      .xxfi_name = "null",
      .xxfi_version = SMFI_VERSION,
      .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
      .xxfi_envfrom = envelope,
      .xxfi_envrcpt = envelope,
      .xxfi_header = header,
      .xxfi_body = body,
      .xxfi_eom = end_of_message,
      .xxfi_negotiate = negotiate,
  };
  umask(0); /* a unix socket Postfix's smtpd (user postfix) can connect to */
  if (smfi_setconn(argv[1]) == MI_FAILURE || smfi_register(desc) == MI_FAILURE) return 1;
  fprintf(stderr, "null-milter: listening on %s\n", argv[1]);
  return smfi_main() == MI_SUCCESS ? 0 : 1;
}
