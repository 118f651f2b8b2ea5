package 'rsyslog'
