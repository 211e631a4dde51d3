<?php
/**
 * The wp-config.php of Berth's wordpress image: every setting is read from the
 * container's environment at each request, as in the official image:
 *   WORDPRESS_DB_HOST (default mysql), WORDPRESS_DB_USER, WORDPRESS_DB_PASSWORD,
 *   WORDPRESS_DB_NAME (default wordpress), WORDPRESS_DB_CHARSET, WORDPRESS_DB_COLLATE,
 *   WORDPRESS_TABLE_PREFIX (default wp_), WORDPRESS_DEBUG, WORDPRESS_CONFIG_EXTRA,
 *   WORDPRESS_AUTH_KEY ... WORDPRESS_NONCE_SALT, and NAME_FILE for each of them.
 * The entrypoint copies it to /var/www/html/wp-config.php with random keys.
 */

if (!function_exists('getenv_docker')) {
    function getenv_docker($name, $default) {
        $file = getenv($name . '_FILE');
        if ($file) {
            return rtrim(file_get_contents($file), "\r\n");
        }
        $value = getenv($name);
        return $value === false ? $default : $value;
    }
}

define('DB_NAME', getenv_docker('WORDPRESS_DB_NAME', 'wordpress'));
define('DB_USER', getenv_docker('WORDPRESS_DB_USER', 'example username'));
define('DB_PASSWORD', getenv_docker('WORDPRESS_DB_PASSWORD', 'example password'));
define('DB_HOST', getenv_docker('WORDPRESS_DB_HOST', 'mysql'));
define('DB_CHARSET', getenv_docker('WORDPRESS_DB_CHARSET', 'utf8mb4'));
define('DB_COLLATE', getenv_docker('WORDPRESS_DB_COLLATE', ''));

define('AUTH_KEY',         getenv_docker('WORDPRESS_AUTH_KEY',         'put your unique phrase here'));
define('SECURE_AUTH_KEY',  getenv_docker('WORDPRESS_SECURE_AUTH_KEY',  'put your unique phrase here'));
define('LOGGED_IN_KEY',    getenv_docker('WORDPRESS_LOGGED_IN_KEY',    'put your unique phrase here'));
define('NONCE_KEY',        getenv_docker('WORDPRESS_NONCE_KEY',        'put your unique phrase here'));
define('AUTH_SALT',        getenv_docker('WORDPRESS_AUTH_SALT',        'put your unique phrase here'));
define('SECURE_AUTH_SALT', getenv_docker('WORDPRESS_SECURE_AUTH_SALT', 'put your unique phrase here'));
define('LOGGED_IN_SALT',   getenv_docker('WORDPRESS_LOGGED_IN_SALT',   'put your unique phrase here'));
define('NONCE_SALT',       getenv_docker('WORDPRESS_NONCE_SALT',       'put your unique phrase here'));

$table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');

define('WP_DEBUG', !!getenv_docker('WORDPRESS_DEBUG', ''));

// behind a reverse proxy that terminates TLS
if (isset($_SERVER['HTTP_X_FORWARDED_PROTO']) && strpos($_SERVER['HTTP_X_FORWARDED_PROTO'], 'https') !== false) {
    $_SERVER['HTTPS'] = 'on';
}

$configExtra = getenv_docker('WORDPRESS_CONFIG_EXTRA', '');
if ($configExtra) {
    eval($configExtra);
}

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}

require_once ABSPATH . 'wp-settings.php';
