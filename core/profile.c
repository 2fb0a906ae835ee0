/*
 * profile.c -- the machine profile (profile.h): its text format, the
 * trust and signature rules, and how its choice is checked against the
 * automatic rules before it replaces theirs.
 *
 * The format is one `key=value` per line, `#` comments, every key once:
 *
 *   format=1
 *   cpu-vendor=AuthenticAMD   cpu-family=0x19   cpu-model=0x11
 *   cpu-stepping=0x1          cpu-features=sse2 avx ... (pmem-info's names)
 *   flush=clwb   copy=nt-avx   movnt-threshold=256   movnt-small=0
 *   date=2026-12-02T15:30:00Z   ratio=1.042   noise=0.013
 *
 * Strict on purpose: an unknown key, a repeated one, a byte that is not
 * printable ASCII or a last line without its newline (a cut file) makes
 * the whole profile ignored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "log.h"
#include "os.h"
#include "plugin.h"
#include "profile.h"
#include "select.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- parsing --------------------------------------------------------- */

enum key {
	K_FORMAT, K_VENDOR, K_FAMILY, K_MODEL, K_STEPPING, K_FEATURES,
	K_FLUSH, K_COPY, K_THRESHOLD, K_SMALL, K_DATE, K_RATIO, K_NOISE,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"format", "cpu-vendor", "cpu-family", "cpu-model", "cpu-stepping",
	"cpu-features", "flush", "copy", "movnt-threshold", "movnt-small",
	"date", "ratio", "noise",
};

static int all_of(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

/* "0x" and 1-8 hex digits. */
static int parse_hex(const char *v, unsigned *out)
{
	if (strncmp(v, "0x", 2) != 0 || v[2] == '\0' || strlen(v) > 10 ||
			!all_of(v + 2, "0123456789abcdef"))
		return -1;
	*out = (unsigned)strtoul(v + 2, NULL, 16);
	return 0;
}

/* A backend name as the library spells them: never a path. */
static int backend_name(const char *v)
{
	return v[0] != '\0' && strlen(v) < 33 &&
		all_of(v, "abcdefghijklmnopqrstuvwxyz0123456789-");
}

/* "1.042": digits, a dot, digits. */
static int decimal(const char *v)
{
	size_t i = strspn(v, "0123456789");
	return i > 0 && i < 8 && v[i] == '.' && v[i + 1] != '\0' &&
		strlen(v) < 16 && all_of(v + i + 1, "0123456789");
}

/* YYYY-MM-DD, optionally THH:MM or THH:MM:SS and Z. */
static int date(const char *v)
{
	static const char *const shapes[] = { "dddd-dd-dd",
		"dddd-dd-ddTdd:ddZ", "dddd-dd-ddTdd:dd:ddZ" };
	for (size_t s = 0; s < sizeof(shapes) / sizeof(*shapes); s++) {
		const char *p = shapes[s];
		if (strlen(v) != strlen(p))
			continue;
		size_t i = 0;
		for (; p[i]; i++)
			if (p[i] == 'd' ? (v[i] < '0' || v[i] > '9') :
					v[i] != p[i])
				break;
		if (p[i] == '\0')
			return 1;
	}
	return 0;
}

static int parse_features(const char *v, uint64_t *out, char *why,
		size_t n)
{
	/* the named bits, looked up once: start-up reads a dozen names */
	const char *names[64];
	for (int i = 0; i < 64; i++)
		names[i] = pmem_cpu_feature_name(1ULL << i);
	*out = 0;
	while (*v) {
		size_t len = strcspn(v, " ");
		int bit = -1;
		for (int i = 0; i < 64 && bit < 0; i++)
			if (names[i] && strncmp(names[i], v, len) == 0 &&
					names[i][len] == '\0')
				bit = i;
		if (bit < 0)
			return fail(why, n, "unknown CPU feature '%.*s'",
					(int)(len > 32 ? 32 : len), v);
		*out |= 1ULL << bit;
		v += len;
		if (*v == ' ' && *++v == '\0')
			return fail(why, n, "cpu-features ends with a space");
	}
	return 0;
}

static int parse_value(struct pmem_profile *p, enum key k, const char *v,
		char *why, size_t n)
{
	unsigned u;
	switch (k) {
	case K_FORMAT:
		if (strcmp(v, "1") != 0)
			return fail(why, n, "format '%.16s' (this library reads "
					"format %d)", v, PMEM_PROFILE_FORMAT);
		return 0;
	case K_VENDOR:
		if (strlen(v) >= sizeof(p->vendor))
			return fail(why, n, "cpu-vendor too long");
		strcpy(p->vendor, v);
		return 0;
	case K_FAMILY:
	case K_MODEL:
	case K_STEPPING:
		if (parse_hex(v, &u) != 0)
			return fail(why, n, "%s '%.16s' is not 0x and hex "
					"digits", key_names[k], v);
		*(k == K_FAMILY ? &p->family : k == K_MODEL ? &p->model :
				&p->stepping) = u;
		return 0;
	case K_FEATURES:
		return parse_features(v, &p->features, why, n);
	case K_FLUSH:
	case K_COPY:
		if (!backend_name(v))
			return fail(why, n, "%s '%.40s' is not a backend name "
					"(a profile never names a file)",
					key_names[k], v);
		strcpy(k == K_FLUSH ? p->flush : p->copy, v);
		return 0;
	case K_THRESHOLD:
		/* at most 1 GiB: larger is "never", which movnt=0 says */
		if (v[0] == '\0' || strlen(v) > 10 ||
				!all_of(v, "0123456789") ||
				strtoull(v, NULL, 10) > (1ULL << 30))
			return fail(why, n, "movnt-threshold '%.16s' is not a "
					"number of bytes up to 1073741824", v);
		p->movnt_threshold = (size_t)strtoull(v, NULL, 10);
		return 0;
	case K_SMALL:
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return fail(why, n, "movnt-small '%.16s' is not 0 or 1",
					v);
		p->small_nt = v[0] == '1';
		return 0;
	case K_DATE:
		if (!date(v))
			return fail(why, n, "date '%.32s' is not "
					"YYYY-MM-DDTHH:MM:SSZ", v);
		strcpy(p->date, v);
		return 0;
	case K_RATIO:
	case K_NOISE:
		if (!decimal(v))
			return fail(why, n, "%s '%.16s' is not a decimal "
					"number", key_names[k], v);
		strcpy(k == K_RATIO ? p->ratio : p->noise, v);
		return 0;
	default:
		return -1;
	}
}

int pmem_profile_parse(const char *text, size_t len, struct pmem_profile *p,
		char *why, size_t n)
{
	memset(p, 0, sizeof(*p));
	unsigned line = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			line++;
		else if (c < 0x20 || c > 0x7e)
			return fail(why, n, "not a text profile (byte 0x%02x "
					"on line %u)", c, line);
	}
	if (len == 0)
		return fail(why, n, "empty file");
	if (text[len - 1] != '\n')
		return fail(why, n, "truncated (the last line has no "
				"newline)");

	int seen[K_COUNT] = { 0 };
	line = 0;
	for (size_t at = 0; at < len; ) {
		const char *s = text + at;
		size_t l = (size_t)((const char *)memchr(s, '\n', len - at) - s);
		at += l + 1;
		line++;
		if (l == 0 || s[0] == '#')
			continue;
		char buf[PMEM_PROFILE_MAX];
		memcpy(buf, s, l);
		buf[l] = '\0';
		char *eq = strchr(buf, '=');
		if (eq == NULL)
			return fail(why, n, "line %u is not key=value", line);
		*eq = '\0';
		enum key k = K_COUNT;
		for (int i = 0; i < K_COUNT; i++)
			if (strcmp(buf, key_names[i]) == 0)
				k = (enum key)i;
		if (k == K_COUNT)
			return fail(why, n, "unknown key '%.32s' on line %u",
					buf, line);
		if (seen[k]++)
			return fail(why, n, "'%s' given twice (line %u)",
					key_names[k], line);
		char sub[256];
		if (parse_value(p, k, eq + 1, sub, sizeof(sub)) != 0)
			return fail(why, n, "line %u: %s", line, sub);
	}
	for (int i = 0; i < K_COUNT; i++)
		if (!seen[i])
			return fail(why, n, "incomplete or truncated (no '%s' "
					"line)", key_names[i]);
	return 0;
}

/* ---- writing --------------------------------------------------------- */

int pmem_profile_format(const struct pmem_profile *p, const char *note,
		char *buf, size_t size)
{
	char feats[512];
	pmem_cpu_features_str(p->features, feats, sizeof(feats));
	int len = snprintf(buf, size,
			"# libpmem machine profile, written by pmem-info "
			"--calibrate --save.\n"
			"# libpmem reads it at start-up on this CPU only "
			"(libpmem(7), PMEM_PROFILE).\n"
			"%s%s%s"
			"format=%d\n"
			"cpu-vendor=%s\ncpu-family=0x%x\ncpu-model=0x%x\n"
			"cpu-stepping=0x%x\ncpu-features=%s\n"
			"flush=%s\ncopy=%s\nmovnt-threshold=%zu\n"
			"movnt-small=%d\n"
			"date=%s\nratio=%s\nnoise=%s\n",
			note ? "# " : "", note ? note : "", note ? "\n" : "",
			PMEM_PROFILE_FORMAT, p->vendor, p->family, p->model,
			p->stepping, feats, p->flush, p->copy,
			p->movnt_threshold, p->small_nt, p->date, p->ratio,
			p->noise);
	return len < 0 || (size_t)len >= size ? -1 : len;
}

void pmem_profile_sign(struct pmem_profile *p, const struct pmem_cpu *cpu,
		unsigned stepping)
{
	snprintf(p->vendor, sizeof(p->vendor), "%s", cpu->vendor);
	p->family = cpu->family;
	p->model = cpu->model;
	p->stepping = stepping;
	p->features = cpu->features;
}

int pmem_profile_match(const struct pmem_profile *p,
		const struct pmem_cpu *cpu, unsigned stepping, char *why,
		size_t n)
{
	if (strcmp(p->vendor, cpu->vendor) != 0 || p->family != cpu->family ||
			p->model != cpu->model || p->stepping != stepping)
		return fail(why, n, "made on another CPU (%s family 0x%x "
				"model 0x%x stepping 0x%x; this one is %s "
				"family 0x%x model 0x%x stepping 0x%x)",
				p->vendor, p->family, p->model, p->stepping,
				cpu->vendor, cpu->family, cpu->model,
				stepping);
	if (p->features != cpu->features) {
		char more[256], less[256];
		pmem_cpu_features_str(p->features & ~cpu->features, more,
				sizeof(more));
		pmem_cpu_features_str(cpu->features & ~p->features, less,
				sizeof(less));
		return fail(why, n, "made with other CPU features (the "
				"profile's only: '%s'; this CPU's only: '%s')",
				more, less);
	}
	return 0;
}

/* ---- checking the choice against the automatic rules ----------------- */

/* The environment the automatic rules see in a check: the caller's
 * without what loads code or sets the threshold (hide_all: none). */
struct check_env {
	const struct pmem_select_in *in;
	int hide_all;
};

static const char *check_env_get(const char *name, void *ctx)
{
	const struct check_env *e = ctx;
	static const char *const hidden[] = { "PMEM_BACKEND",
		"PMEM_BACKEND_PATH", "PMEM_MOVNT_THRESHOLD", "PMEM_MOVNT_SMALL",
		"PMEM_NO_MOVNT", "PMEM_PROFILE" };
	if (e->hide_all)
		return NULL;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++)
		if (strcmp(name, hidden[i]) == 0)
			return NULL;
	return e->in->env(name, e->in->env_ctx);
}

/* 1 when the automatic rules, given b as the only candidate of its kind,
 * choose it: b is usable here and its kind's rules accept it (nop only
 * with eADR); with the real environment (real=1) also that no PMEM_NO_*,
 * PMEM_AVX=0 or PMEM_AVX512F=0 removes it.  why: the rules' reason. */
static int rules_take(const struct pmem_select_in *in,
		const struct pmem_backend *b, int real, char *why, size_t n)
{
	const struct pmem_backend *only[2] = { b, NULL };
	struct check_env e = { in, !real };
	struct pmem_select_in one = {
		.cpu = in->cpu,
		.env = check_env_get,
		.env_ctx = &e,
		.backends = only,
		.auto_flush = in->auto_flush,
		.plugin_dir = NULL,
	};
	struct pmem_selection s;
	pmem_select_backends(&one, &s);
	const struct pmem_backend *got = b->kind == PMEM_BACKEND_FLUSH ?
		s.choice.flush : s.choice.copy;
	snprintf(why, n, "%s", b->kind == PMEM_BACKEND_FLUSH ?
			s.flush_reason : s.copy_reason);
	return got == b;
}

static const struct pmem_backend *find(const struct pmem_select_in *in,
		const char *name, unsigned kind)
{
	for (const struct pmem_backend *const *b = in->backends; b && *b; b++)
		if ((*b)->kind == kind && strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}

/* The profile's backend of one kind, when the rules accept it here. */
static const struct pmem_backend *acceptable(const struct pmem_select_in *in,
		const char *name, unsigned kind, char *why, size_t n)
{
	const char *k = kind == PMEM_BACKEND_FLUSH ? "flush" : "copy";
	const struct pmem_backend *b = find(in, name, kind);
	char r[512], f[128];
	if (b == NULL) {
		fail(why, n, "%s '%s' is not a linked-in %s backend (a "
				"profile never loads a plugin)", k, name, k);
		return NULL;
	}
	if ((b->cpu_needs & ~in->cpu->features) != 0) {
		fail(why, n, "%s '%s': this CPU cannot run it (needs %s)", k,
				name, pmem_cpu_features_label(b->cpu_needs &
					~in->cpu->features, f, sizeof(f)));
		return NULL;
	}
	if ((b->caps & PMEM_BACKEND_CAP_EADR_ONLY) && !in->auto_flush) {
		fail(why, n, "flush '%s' is only durable where the CPU caches "
				"are persistent (eADR), and this platform has "
				"no auto flush", name);
		return NULL;
	}
	/* msync-fallback: durable for page-cache files only */
	if ((b->caps & PMEM_BACKEND_CAP_NO_WRITEBACK) &&
			!(b->caps & PMEM_BACKEND_CAP_EADR_ONLY)) {
		fail(why, n, "flush '%s' writes back no cache lines; a "
				"profile may choose a flush instruction (or nop "
				"with eADR)", name);
		return NULL;
	}
	if (!rules_take(in, b, 0, r, sizeof(r))) {
		fail(why, n, "%s '%s': the automatic rules would not take it "
				"here (%s)", k, name, r);
		return NULL;
	}
	return b;
}

/* ---- applying -------------------------------------------------------- */

static const char *env(const struct pmem_profile_in *in, const char *name)
{
	return in->sel->env(name, in->sel->env_ctx);
}

__attribute__((format(printf, 2, 3)))
static void status(struct pmem_profile_state *st, const char *fmt, ...)
{
	size_t used = strlen(st->status);
	va_list ap;
	va_start(ap, fmt);
	if (used + 1 < sizeof(st->status))
		vsnprintf(st->status + used, sizeof(st->status) - used, fmt,
				ap);
	va_end(ap);
}

/* reason = "from profile P (calibrated D)<extra>; automatic: NAME, old" */
static void set_reason(char *reason, size_t size, const char *origin,
		const char *extra, const struct pmem_backend *automatic)
{
	char old[512];
	snprintf(old, sizeof(old), "%s", reason);
	/* the automatic reason is the one that may lose its tail */
	snprintf(reason, size, "%.220s%.95s; automatic: %.32s, %.140s", origin,
			extra, automatic->name, old);
}

/* The parts of a rules' reason that name a variable ("PMEM_AVX=0"). */
static const char *env_parts(const char *reason, char *out, size_t n)
{
	out[0] = '\0';
	for (const char *p = reason; *p; ) {
		size_t len = strcspn(p, ",;");
		if (memchr(p, '=', len)) {
			size_t used = strlen(out);
			snprintf(out + used, n - used, "%s%.*s", used ? ", " :
					"", (int)len, p);
		}
		p += len;
		p += strspn(p, ",; ");
	}
	return out[0] ? out : reason;
}

static const char *read_error(int err, char *buf, size_t n)
{
	switch (err) {
	case ELOOP:
		return "a symbolic link (never followed)";
	case EINVAL:
		return "not a regular file";
	case EFBIG:
		snprintf(buf, n, "larger than %d bytes", PMEM_PROFILE_MAX - 1);
		return buf;
	case ENOTSUP:
		return "machine profiles are not supported on this OS";
	default:
		return pmem_os_strerror(err, buf, n);
	}
}

void pmem_profile_apply(const struct pmem_profile_in *in,
		struct pmem_selection *sel, struct pmem_profile_state *st)
{
	memset(st, 0, sizeof(*st));
	if (in->privileged) {
		status(st, "not read (a set-uid or set-gid process)");
		return;
	}
	const char *path = env(in, "PMEM_PROFILE");
	if (path && strcmp(path, "0") == 0) {
		status(st, "off (PMEM_PROFILE=0)");
		return;
	}
	int named = path && path[0];
	if (!named)
		path = in->default_path;
	if (path == NULL || path[0] == '\0') {
		status(st, "none");
		return;
	}
	char sbuf[161], eb[128], why[768];
	const char *shown = pmem_short_path(path, sbuf, 160);

	char text[PMEM_PROFILE_MAX];
	struct pmem_os_conf_file f;
	if (in->read(path, text, sizeof(text), &f) != 0) {
		int err = errno;
		if (err == ENOENT && !named)
			status(st, "none (no %s)", shown);
		else if (err == ENOTSUP && !named)	/* no path to name */
			status(st, "none (%s)", read_error(err, eb, sizeof(eb)));
		else
			status(st, "%s ignored: %s", shown,
					read_error(err, eb, sizeof(eb)));
		return;
	}
	struct pmem_profile p;
	if (f.owner == PMEM_OS_OWNER_OTHER)
		snprintf(why, sizeof(why), "owned by uid %ld, neither root nor "
				"this process's user (uid %ld)", f.owner_id,
				f.self_id);
	else if (f.others_write)
		snprintf(why, sizeof(why), "its group or others may write "
				"it");
	else if (f.dir_owner == PMEM_OS_OWNER_OTHER)
		snprintf(why, sizeof(why), "its directory is owned by uid %ld, "
				"neither root nor this process's user (uid %ld)",
				f.dir_owner_id, f.self_id);
	else if (f.dir_others_write)
		snprintf(why, sizeof(why), "its directory is writable by its group "
				"or others and not sticky: the file could be "
				"replaced");
	else if (pmem_profile_parse(text, f.len, &p, eb, sizeof(eb)) != 0)
		snprintf(why, sizeof(why), "%s", eb);
	else if (pmem_profile_match(&p, in->sel->cpu, in->stepping, why,
			sizeof(why)) == 0)
		why[0] = '\0';
	if (why[0]) {
		status(st, "%s ignored: %s", shown, why);
		PMEM_LOG(WARNING, "profile %s ignored: %s", path, why);
		return;
	}
	const struct pmem_select_in *si = in->sel;
	const struct pmem_backend *fl = acceptable(si, p.flush,
			PMEM_BACKEND_FLUSH, why, sizeof(why));
	const struct pmem_backend *cp = fl ? acceptable(si, p.copy,
			PMEM_BACKEND_COPY, why, sizeof(why)) : NULL;
	if (cp == NULL) {
		status(st, "%s ignored: %s", shown, why);
		PMEM_LOG(WARNING, "profile %s ignored: %s", path, why);
		return;
	}
	status(st, "%s (calibrated %s, ratio %s, noise %s): %s,%s threshold "
			"%zu, short copies %s", shown, p.date, p.ratio, p.noise,
			p.flush, p.copy, p.movnt_threshold,
			p.small_nt ? "non-temporal" : "temporal");
	const char *forced = env(in, "PMEM_BACKEND");
	if (forced && forced[0]) {
		status(st, "; not applied: PMEM_BACKEND is set");
		return;
	}

	char origin[224];
	snprintf(origin, sizeof(origin), "from profile %s (calibrated %s)",
			shown, p.date);
	struct pmem_backend_choice *c = &sel->choice;
	const char *v;
	int used = 0;
	char r[512];
	if ((v = env(in, "PMEM_NO_FLUSH")) != NULL) {
		status(st, "; flush: PMEM_NO_FLUSH=%.16s wins", v);
	} else if (!rules_take(si, fl, 1, r, sizeof(r))) {
		status(st, "; flush: %s wins over %s", env_parts(r, eb,
					sizeof(eb)), fl->name);
	} else {
		set_reason(sel->flush_reason, sizeof(sel->flush_reason),
				origin, "", c->flush);
		c->flush = fl;
		used = 1;
	}
	if (!c->movnt || (c->flush->caps & PMEM_BACKEND_CAP_NO_NT)) {
		status(st, "; copy, threshold, short copies: non-temporal "
				"stores are off");
		c->movnt = 0;
		c->movnt_threshold = SIZE_MAX;
		st->applied = used;
		return;
	}
	char extra[96] = "";
	if ((v = env(in, "PMEM_MOVNT_THRESHOLD")) != NULL) {
		status(st, "; threshold: PMEM_MOVNT_THRESHOLD wins");
	} else {
		c->movnt_threshold = p.movnt_threshold;
		snprintf(extra, sizeof(extra), ", threshold %zu",
				p.movnt_threshold);
		used = 1;
	}
	if ((v = env(in, "PMEM_MOVNT_SMALL")) != NULL) {
		status(st, "; short copies: PMEM_MOVNT_SMALL wins");
	} else {
		c->small_nt = p.small_nt;
		size_t l = strlen(extra);
		snprintf(extra + l, sizeof(extra) - l, ", short copies %s",
				p.small_nt ? "non-temporal" : "temporal");
		used = 1;
	}
	if (!rules_take(si, cp, 1, r, sizeof(r))) {
		status(st, "; copy: %s wins over %s", env_parts(r, eb,
					sizeof(eb)), cp->name);
		if (extra[0]) {
			size_t l = strlen(sel->copy_reason);
			snprintf(sel->copy_reason + l,
					sizeof(sel->copy_reason) - l,
					"%s%s from profile %s", l ? "; " : "",
					extra + 2, shown);
		}
	} else {
		set_reason(sel->copy_reason, sizeof(sel->copy_reason), origin,
				extra, c->copy);
		c->copy = cp;
		used = 1;
	}
	st->applied = used;
	if (used)
		status(st, "; applied");
}
