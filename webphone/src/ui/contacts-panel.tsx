import { useEffect, useState } from 'react';
import { callRefusal, type ContactRow } from '../contacts/contacts';
import { useSession } from './context';

type Outcome = { kind: 'calling'; name: string } | { kind: 'refused'; message: string } | null;

/**
 * The user's contacts (agents: those assigned to them), searched as they type; a number's button is click to call:
 * the user's own phones ring, then the customer. One agent per customer: a refusal says who has the customer.
 */
export function ContactsPanel() {
  const { contacts } = useSession();
  const [query, setQuery] = useState('');
  const [rows, setRows] = useState<ContactRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      contacts
        .search(query)
        .then((found) => current && (setRows(found), setProblem(null)))
        .catch(() => current && setProblem('Contacts cannot be loaded right now.'));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [contacts, query]);

  const call = (contact: ContactRow, number: string) => {
    setOutcome({ kind: 'calling', name: contact.name });
    contacts.call(number).then(
      () => undefined,
      (error: unknown) => setOutcome({ kind: 'refused', message: callRefusal(error) }),
    );
  };

  return (
    <section className="card panel" aria-labelledby="contacts-title" data-testid="contacts">
      <h2 id="contacts-title">Contacts</h2>
      <input
        type="search"
        aria-label="Search contacts"
        placeholder="Name, company or number"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {outcome?.kind === 'calling' && (
        <p className="contact-outcome" role="status">
          Calling {outcome.name}: your phone rings first.
        </p>
      )}
      {outcome?.kind === 'refused' && (
        <p className="contact-outcome error" role="alert">
          {outcome.message}
        </p>
      )}
      {problem && (
        <p className="empty" role="status">
          {problem}
        </p>
      )}
      {rows && rows.length === 0 && <p className="empty">No contacts found.</p>}
      {rows && rows.length > 0 && (
        <ul className="contact-list">
          {rows.map((contact) => (
            <li key={contact.id} className="contact-row">
              <span className="contact-name">{contact.name}</span>
              {contact.company && <span className="contact-company">{contact.company}</span>}
              <span className="contact-numbers">
                {contact.phoneNumbers.map((number) => (
                  <button
                    key={number}
                    type="button"
                    className="ghost small"
                    aria-label={`Call ${contact.name} at ${number}`}
                    onClick={() => call(contact, number)}
                  >
                    ✆ {number}
                  </button>
                ))}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
