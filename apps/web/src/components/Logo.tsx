/** A mooring bollard above the water line: where a ship is made fast in its berth. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className}>
      <rect width="32" height="32" rx="7" className="fill-harbor-800" />
      <path d="M10 9h12M13 9v12M19 9v12M9 21h14" className="stroke-sea-300" strokeWidth="2.4" strokeLinecap="round" fill="none" />
      <path
        d="M6 25c2 0 3-1.5 5-1.5s3 1.5 5 1.5 3-1.5 5-1.5 3 1.5 5 1.5"
        className="stroke-sea-400"
        strokeWidth="1.8"
        strokeLinecap="round"
        fill="none"
      />
    </svg>
  );
}
