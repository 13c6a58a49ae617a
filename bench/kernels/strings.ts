// String building: append one character at a time, n times, cycling through "abcd"; the
// result adds the length in bytes to a position-weighted count of the 'c's, so a wrong
// string shows.

const LETTERS = "abcd";

export function run(n: u32): u64 {
  let s = "";
  for (let i: u32 = 0; i < n; i++) {
    s += LETTERS.charAt(i % 4);
  }
  let sum: u64 = 0;
  let position: u64 = 0;
  for (let k = 0; k < s.length; k++) {
    position++;
    if (s.charCodeAt(k) == 0x63) {
      sum += position;
    }
  }
  // All ASCII, so the UTF-16 length is the UTF-8 length.
  return sum + (s.length as u64);
}
