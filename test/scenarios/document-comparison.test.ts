import { describe, expect, it } from 'vitest';
import { compareWithTarget } from '../../scenarios/document-comparison';

const TARGET =
  '# Tide pools\n\nAnemones close when the tide goes out. 潮だまり 🦀\n\n- barnacles\n- limpets\n';

describe('compareWithTarget', () => {
  it('counts an exact document as exact', () => {
    expect(compareWithTarget(TARGET, TARGET)).toEqual({
      compared: TARGET.length,
      lost: 0,
      duplicated: 0,
      exact: true,
    });
  });

  it('counts a repeated seam as duplicated characters', () => {
    const seam = TARGET.indexOf('when');
    const repeated = 'close when the';
    const produced = TARGET.slice(0, seam + 10) + repeated + TARGET.slice(seam + 10);
    const comparison = compareWithTarget(produced, TARGET);
    expect(comparison).toMatchObject({ lost: 0, duplicated: repeated.length, exact: false });
  });

  it('counts a dropped round as lost characters', () => {
    const from = TARGET.indexOf('潮');
    const produced = TARGET.slice(0, from) + TARGET.slice(from + 6);
    expect(compareWithTarget(produced, TARGET)).toMatchObject({ lost: 6, duplicated: 0, exact: false });
  });

  it('counts a changed seam both ways: what lies between the common prefix and suffix', () => {
    // Target "\n\n- barnacles", produced "\n- acorn barnacles": "\n-" lost, "- acorn" does not belong.
    const produced = TARGET.replace('\n\n- barnacles', '\n- acorn barnacles');
    expect(compareWithTarget(produced, TARGET)).toMatchObject({ lost: 2, duplicated: 7, exact: false });
  });

  it('counts a document cut short, or an empty one, as lost', () => {
    expect(compareWithTarget(TARGET.slice(0, 20), TARGET)).toMatchObject({
      lost: TARGET.length - 20,
      duplicated: 0,
    });
    expect(compareWithTarget('', TARGET)).toMatchObject({ lost: TARGET.length, duplicated: 0, exact: false });
  });
});
