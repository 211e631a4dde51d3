<?php
// Exit 0 when the database in WORDPRESS_DB_* accepts the login, 1 while it cannot
// be reached yet, 2 when it answers but refuses (that will not fix itself).
function env_docker($name, $default) {
    $file = getenv($name . '_FILE');
    if ($file) {
        return rtrim(@file_get_contents($file), "\r\n");
    }
    $value = getenv($name);
    return $value === false ? $default : $value;
}
$host = env_docker('WORDPRESS_DB_HOST', 'mysql');
$user = env_docker('WORDPRESS_DB_USER', 'example username');
$pass = env_docker('WORDPRESS_DB_PASSWORD', 'example password');
$port = 3306;
$socket = null;
if (preg_match('/^(.*):(\d+)$/', $host, $m)) {
    $host = $m[1];
    $port = (int) $m[2];
} elseif (preg_match('/^(.*):(\/.*)$/', $host, $m)) {
    $host = $m[1] === '' ? 'localhost' : $m[1];
    $socket = $m[2];
}
mysqli_report(MYSQLI_REPORT_OFF);
$db = mysqli_init();
$db->options(MYSQLI_OPT_CONNECT_TIMEOUT, 3);
if (@$db->real_connect($host, $user, $pass, '', $port, $socket)) {
    exit(0);
}
$errno = mysqli_connect_errno();
fwrite(STDERR, mysqli_connect_error() . "\n");
// 1044/1045 access denied, 1049 unknown database, 1698 user not allowed
exit(in_array($errno, [1044, 1045, 1049, 1698]) ? 2 : 1);
