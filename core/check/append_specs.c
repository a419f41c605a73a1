/* append_specs.c - the cycle anomalies searched for (spec §1.6): a base
 * anomaly (G0, G1c, G-single-item, G-nonadjacent-item, G2-item) in a
 * plain, -process or -realtime variant, as data: which relations its
 * cycles may use, which one they all contain (the search's anchor), and a
 * small state machine over the relations of a path; plus the
 * classification of a cycle by its relations and the implications
 * between anomalies (spec §1.7). */
#include <stdio.h>

#include "append_internal.h"

enum base { B_G0, B_G1C, B_SINGLE, B_NONADJ, B_G2ITEM, NBASE };
enum variant { V_PLAIN, V_PROCESS, V_REALTIME, NVARIANT };

_Static_assert(NBASE * NVARIANT == AP_NSPEC, "spec count");

enum state {
    S_LAST_RW = 1, /* the last relation taken was rw */
    S_MORE = 2,    /* nonadjacent: another rw taken; G2-item: two adjacent */
    S_EXTRA = 4,   /* the variant's process / realtime relation taken */
};

_Static_assert((S_LAST_RW | S_MORE | S_EXTRA) < AP_NSTATE, "state count");

static const char *const BASE_NAME[NBASE] = {"G0", "G1c", "G-single-item",
                                             "G-nonadjacent-item", "G2-item"};
static const char *const VARIANT_SUFFIX[NVARIANT] = {"", "-process", "-realtime"};
static const uint8_t DATA_ALLOWED[NBASE] = {AP_WW, AP_WW | AP_WR, AP_DATA, AP_DATA, AP_DATA};
static const uint8_t ANCHOR[NBASE] = {AP_WW, AP_WR, AP_RW, AP_RW, AP_RW};
static const uint8_t EXTRA_ALLOWED[NVARIANT] = {0, AP_PROCESS, AP_PROCESS | AP_REALTIME};
static const uint8_t EXTRA_NEEDED[NVARIANT] = {0, AP_PROCESS, AP_REALTIME};

static int base_of(int spec)
{
    return spec % NBASE;
}

static int variant_of(int spec)
{
    return spec / NBASE;
}

void ap_spec_name(int spec, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", BASE_NAME[base_of(spec)], VARIANT_SUFFIX[variant_of(spec)]);
}

bool ap_spec_implies(int x, int y)
{
    int bx = base_of(x), by = base_of(y);
    bool base = bx == by || (bx == B_G0 && by == B_G1C) || (bx >= B_SINGLE && by >= bx);
    return base && variant_of(y) >= variant_of(x);
}

uint8_t ap_spec_mask(int spec)
{
    return DATA_ALLOWED[base_of(spec)] | EXTRA_ALLOWED[variant_of(spec)];
}

uint8_t ap_spec_anchor(int spec)
{
    return ANCHOR[base_of(spec)];
}

uint8_t ap_spec_choices(int spec, uint8_t bits)
{
    uint8_t data = bits & DATA_ALLOWED[base_of(spec)];
    uint8_t extra = bits & EXTRA_ALLOWED[variant_of(spec)];
    if (data)
        return data;
    return extra & AP_PROCESS ? AP_PROCESS : extra & AP_REALTIME;
}

int ap_spec_start(int spec)
{
    return ANCHOR[base_of(spec)] == AP_RW ? S_LAST_RW : 0;
}

int ap_spec_step(int spec, int s, uint8_t rel)
{
    int base = base_of(spec);
    if (rel == AP_RW) {
        if (base == B_SINGLE || (base == B_NONADJ && s & S_LAST_RW))
            return -1;
        if (base == B_NONADJ || s & S_LAST_RW)
            s |= S_MORE;
        s |= S_LAST_RW;
    } else {
        s &= ~S_LAST_RW;
    }
    return rel & EXTRA_NEEDED[variant_of(spec)] ? s | S_EXTRA : s;
}

bool ap_spec_accepts(int spec, int s)
{
    if (variant_of(spec) != V_PLAIN && !(s & S_EXTRA))
        return false;
    if (base_of(spec) == B_NONADJ) /* closing onto the rw anchor */
        return !(s & S_LAST_RW) && s & S_MORE;
    if (base_of(spec) == B_G2ITEM)
        return s & (S_MORE | S_LAST_RW);
    return true;
}

int ap_spec_classify(const uint8_t *rel, size_t n)
{
    size_t rw = 0, wr = 0, process = 0, realtime = 0;
    bool adjacent = false;
    for (size_t i = 0; i < n; i++) {
        rw += rel[i] == AP_RW;
        wr += rel[i] == AP_WR;
        process += rel[i] == AP_PROCESS;
        realtime += rel[i] == AP_REALTIME;
        adjacent |= rel[i] == AP_RW && rel[(i + 1) % n] == AP_RW;
    }
    int base = rw == 1 ? B_SINGLE : rw > 1 ? (adjacent ? B_G2ITEM : B_NONADJ)
                                           : wr ? B_G1C : B_G0;
    int variant = realtime ? V_REALTIME : process ? V_PROCESS : V_PLAIN;
    return variant * NBASE + base;
}
