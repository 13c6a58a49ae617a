// Records in an array: n items {id, price, qty} from a linear congruential generator, a few
// passes of discounts and restocking over them, then the stock's value and an id checksum.

class Item {
  constructor(
    public id: u32,
    public price: u32,
    public qty: u32,
  ) {}
}

export function run(n: u32): u64 {
  const items = new Array<Item>();
  let state: u32 = 42;
  for (let i: u32 = 0; i < n; i++) {
    state = state * 1664525 + 1013904223;
    const price = 100 + ((state >> 8) % 10000);
    state = state * 1664525 + 1013904223;
    const qty = (state >> 8) % 100;
    items.push(new Item(i, price, qty));
  }
  for (let pass = 0; pass < 8; pass++) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.qty > 50) {
        item.price = (item.price * 9) / 10;
        item.qty -= 7;
      } else {
        item.qty += 3;
      }
    }
  }
  let value: u64 = 0;
  let ids: u64 = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    value += (item.price as u64) * (item.qty as u64);
    if (item.qty % 2 == 0) {
      ids ^= (item.id as u64) * 2654435761;
    }
  }
  return value + ids;
}
