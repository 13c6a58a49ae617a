// A float simulation: a chain of eight unit masses joined by damped springs, pulled out of
// rest and integrated for n steps with semi-implicit Euler; the result is the energy left.

class Mass {
  constructor(
    public x: f64,
    public v: f64,
  ) {}
}

export function run(n: u32): f64 {
  const count: u32 = 8;
  const stiffness = 40.0;
  const damping = 0.05;
  const rest = 1.0;
  const dt = 0.001;
  const masses = new Array<Mass>();
  const forces = new Array<f64>();
  for (let i: u32 = 0; i < count; i++) {
    masses.push(new Mass((i as f64) + 0.1 * ((i % 3) as f64), 0.0));
    forces.push(0.0);
  }
  for (let step: u32 = 0; step < n; step++) {
    for (let i: u32 = 0; i < count; i++) {
      let f = -damping * masses[i].v;
      if (i > 0) {
        f -= stiffness * (masses[i].x - masses[i - 1].x - rest);
      }
      if (i + 1 < count) {
        f += stiffness * (masses[i + 1].x - masses[i].x - rest);
      }
      forces[i] = f;
    }
    for (let i: u32 = 0; i < count; i++) {
      masses[i].v += forces[i] * dt;
      masses[i].x += masses[i].v * dt;
    }
  }
  let energy = 0.0;
  for (let i: u32 = 0; i < count; i++) {
    energy += 0.5 * masses[i].v * masses[i].v;
    if (i + 1 < count) {
      const stretch = masses[i + 1].x - masses[i].x - rest;
      energy += 0.5 * stiffness * stretch * stretch;
    }
  }
  return energy;
}
