/* schedule.c - the nemesis schedule: staggered starts and lengths drawn
 * from a stream derived from the run seed. */
#include "schedule.h"

#include <string.h>

const char *schedule_order_at(size_t i)
{
    static const char *const NAMES[] = {[ORDER_RANDOM] = "random", [ORDER_CYCLE] = "cycle"};
    return i < sizeof NAMES / sizeof NAMES[0] ? NAMES[i] : NULL;
}

static double stagger(rng_t *r, double mean)
{
    if (mean <= 0)
        return 0;
    double f = SCHEDULE_STAGGER_LO + (SCHEDULE_STAGGER_HI - SCHEDULE_STAGGER_LO) * rng_double(r);
    return mean * f;
}

void schedule_init(schedule *s, const schedule_cfg *cfg, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    if (s->cfg.nkinds > SCHEDULE_MAX_KINDS)
        s->cfg.nkinds = SCHEDULE_MAX_KINDS;
    s->rng = rng_derive(seed, "nemesis", 0);
    s->next_start_s = cfg->quiet_s;
}

double schedule_last_heal(const schedule *s)
{
    if (s->cfg.run_s <= 0)
        return -1;
    return s->cfg.run_s - s->cfg.recovery_s;
}

bool schedule_next(schedule *s, double after_s, planned_fault *out)
{
    if (s->cfg.nkinds == 0)
        return false;
    size_t pick = s->cfg.order == ORDER_CYCLE ? s->drawn % s->cfg.nkinds
                                              : (size_t)rng_below(&s->rng, s->cfg.nkinds);
    double gap = s->drawn == 0 ? 0 : stagger(&s->rng, s->cfg.interval_s);
    double len = stagger(&s->rng, s->cfg.duration_s);
    double from = s->next_start_s > after_s ? s->next_start_s : after_s;
    double start = from + gap;
    if (start < s->cfg.quiet_s)
        start = s->cfg.quiet_s;
    double end = start + len;
    double last = schedule_last_heal(s);
    if (last >= 0) {
        if (start >= last)
            return false;
        if (end > last)
            end = last;
    }
    s->drawn++;
    s->next_start_s = end;
    *out = (planned_fault){.kind = s->cfg.kinds[pick], .start_s = start, .end_s = end};
    return true;
}
