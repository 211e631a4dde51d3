import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

// Locale comes from a cookie or Accept-Language (no URL prefix): see src/i18n/request.ts.
const withNextIntl = createNextIntlPlugin('./src/i18n/request.ts');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default withNextIntl(nextConfig);
