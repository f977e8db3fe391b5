const zero = 48;
const nine = 57;

function isDigit(code: number): boolean {
  return code >= zero && code <= nine;
}

function digitRunEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  return end;
}

/**
 * Orders strings as people read numbered names: a run of digits by its value ("host-9" before
 * "host-10", session 2 before session 10), everything else by UTF-16 code unit, with no locale.
 * An ICU collator did the same for the report's (case-folded) session keys, but creating one took
 * 8 ms of every cold start.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  let zerosFirst = 0;
  while (i < a.length && j < b.length) {
    const codeA = a.charCodeAt(i);
    const codeB = b.charCodeAt(j);
    if (!isDigit(codeA) || !isDigit(codeB)) {
      if (codeA !== codeB) return codeA - codeB;
      i++;
      j++;
      continue;
    }
    const endA = digitRunEnd(a, i);
    const endB = digitRunEnd(b, j);
    // Values compared digit by digit, so that runs longer than a safe integer still order right.
    let valueA = i;
    let valueB = j;
    while (valueA < endA - 1 && a.charCodeAt(valueA) === zero) valueA++;
    while (valueB < endB - 1 && b.charCodeAt(valueB) === zero) valueB++;
    if (endA - valueA !== endB - valueB) return endA - valueA - (endB - valueB);
    for (let k = 0; k < endA - valueA; k++) {
      const difference = a.charCodeAt(valueA + k) - b.charCodeAt(valueB + k);
      if (difference !== 0) return difference;
    }
    // Equal values: the rest decides; failing that, fewer leading zeros first (a total order).
    if (zerosFirst === 0) zerosFirst = endA - i - (endB - j);
    i = endA;
    j = endB;
  }
  const rest = a.length - i - (b.length - j);
  return rest !== 0 ? rest : zerosFirst;
}
