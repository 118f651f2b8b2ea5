package 'nagios-plugins'
