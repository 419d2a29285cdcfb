const keys: [string, string][] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

const spoken: Record<string, string> = { '*': 'star', '#': 'hash' };

/** The twelve keys; `label` prefixes each key's accessible name ("Dial 5", "Send tone 5"). */
export function Dialpad({ onKey, label }: { onKey: (key: string) => void; label: string }) {
  return (
    <div className="dialpad" role="group" aria-label={label === 'Dial' ? 'Dialpad' : 'Keypad'}>
      {keys.map(([key, letters]) => (
        <button
          key={key}
          type="button"
          className="key"
          aria-label={`${label} ${spoken[key] ?? key}`}
          onClick={() => onKey(key)}
        >
          <span className="digit">{key}</span>
          <span className="letters">{letters}</span>
        </button>
      ))}
    </div>
  );
}
