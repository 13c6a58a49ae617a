// A float simulation: a chain of eight unit masses joined by damped springs, pulled out of
// rest and integrated for n steps with semi-implicit Euler; the result is the energy left.

#include <stdint.h>

#define COUNT 8

struct mass {
    double x, v;
};

double run(uint32_t n) {
    const double stiffness = 40.0;
    const double damping = 0.05;
    const double rest = 1.0;
    const double dt = 0.001;
    struct mass masses[COUNT];
    double forces[COUNT];
    for (uint32_t i = 0; i < COUNT; i++) {
        masses[i].x = (double)i + 0.1 * (double)(i % 3);
        masses[i].v = 0.0;
        forces[i] = 0.0;
    }
    for (uint32_t step = 0; step < n; step++) {
        for (uint32_t i = 0; i < COUNT; i++) {
            double f = -damping * masses[i].v;
            if (i > 0) {
                f -= stiffness * (masses[i].x - masses[i - 1].x - rest);
            }
            if (i + 1 < COUNT) {
                f += stiffness * (masses[i + 1].x - masses[i].x - rest);
            }
            forces[i] = f;
        }
        for (uint32_t i = 0; i < COUNT; i++) {
            masses[i].v += forces[i] * dt;
            masses[i].x += masses[i].v * dt;
        }
    }
    double energy = 0.0;
    for (uint32_t i = 0; i < COUNT; i++) {
        energy += 0.5 * masses[i].v * masses[i].v;
        if (i + 1 < COUNT) {
            double stretch = masses[i + 1].x - masses[i].x - rest;
            energy += 0.5 * stiffness * stretch * stretch;
        }
    }
    return energy;
}
