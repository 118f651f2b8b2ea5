package 'chrony'
